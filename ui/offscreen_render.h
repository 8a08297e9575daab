// Renders the explorer canvas headless into an image of any size, through the same
// Canvas2D::draw the GUI uses, and saves it as PNG (atomically: temp file + rename).
// UI thread, with a UiContext (hidden window is enough).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/sample/solver_lab.h"
#include "core/scene/image_run.h"
#include "core/scene/point_cloud.h"
#include "ui/session/explorer_state.h"
#include "ui/session/requests.h"
#include "ui/ui_context.h"
#include "ui/views/canvas2d.h"
#include "ui/views/image_view.h"

namespace ss::ui {

struct RenderedImage {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;  // width×height×4, top row first
  PlotGeometry plot;                // where the plot landed, in image pixels
  std::vector<PlotGeometry> panes;  // compare mode: each pane's plot (plot = the first)
  OverlayPass overlays;             // renderExplorer: where the canvas put its captions, legends
};

// Supplies a score field for the plot as framed: the world rectangle it shows and its width.
using FieldSource = std::function<std::shared_ptr<const scene::VectorField>(const Viewport& view)>;

// What `scorescope render` draws the state's field layers with: the window's requests
// (ui/session/requests.h) for the plot as framed, computed and waited for (the field up to
// 5 minutes, the model's density, finest level alone, up to 10). `state` and `cloud` must
// outlive the source; `model` null: the exact score only. Failures go to stderr and leave
// the layer out.
FieldSource waitedFieldSource(const ExplorerState& state,
                              std::shared_ptr<const scene::PointCloud> cloud,
                              std::shared_ptr<const train::ModelSnapshot> model);

// `fields` (optional) is asked once the view is framed; its field is drawn on the canvas.
// `run` (optional): in a reverse mode, its frame replaces the data cloud (with trails).
Expected<RenderedImage> renderExplorer(UiContext& ui, const ExplorerState& state,
                                       std::shared_ptr<const scene::PointCloud> cloud, int width,
                                       int height, const FieldSource& fields = {},
                                       const RunView* run = nullptr);

// Compare mode (state.compare): `views[i]` is pane i's run at state.t; the panes side by
// side, or overlaid in one pane, as the GUI draws them.
Expected<RenderedImage> renderCompare(UiContext& ui, const ExplorerState& state,
                                      std::shared_ptr<const scene::PointCloud> cloud,
                                      const std::vector<const RunView*>& views, int width,
                                      int height);

// The solver lab's summary line over its two plots (ui/views/solver_lab_plot.h).
Expected<RenderedImage> renderSolverLab(UiContext& ui, const sample::SolverLabResult& lab,
                                        int width, int height);

// The image explorer's view (one grid or two, and the interpolation strip), as the window
// draws it (ui/views/image_view).
Expected<RenderedImage> renderImageView(UiContext& ui, const ImageViewContent& content, int width,
                                        int height);

Expected<bool> writePng(const std::string& path, const RenderedImage& image);

}  // namespace ss::ui
