#include "ui/offscreen_render.h"

#include <epoxy/gl.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "core/common/atomic_file.h"
#include "core/scene/density_worker.h"
#include "core/scene/vector_field.h"
#include "ui/gl/objects.h"
#include "ui/views/compare_view.h"
#include "ui/views/solver_lab_plot.h"

namespace ss::ui {

namespace {

// Two ImGui frames into an offscreen target (the first settles window sizes; the second is
// kept), `draw(frame)` filling a borderless window the size of the image.
// `transparent`: no window background and a clear alpha of 0 (PNG exports for slides).
Expected<RenderedImage> renderWindow(UiContext& ui, int width, int height,
                                     const std::function<void(int)>& draw,
                                     bool transparent = false) {
  auto target = gl::Framebuffer::create(width, height);
  if (!target) return target.error();
  for (int frame = 0; frame < 2; ++frame) {
    ui.beginHeadlessFrame(width, height);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(width), static_cast<float>(height)));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##render", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus |
                     (transparent ? ImGuiWindowFlags_NoBackground : 0));
    draw(frame);
    ImGui::End();
    ImGui::PopStyleVar();
    target.value().bind();
    glClearColor(0, 0, 0, transparent ? 0.0f : 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ui.endHeadlessFrame();
  }
  glFinish();
  RenderedImage image;
  image.width = width;
  image.height = height;
  image.rgba = target.value().readRgba();
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return image;
}

// The field with the model's log p_t (PF-ODE) as its density, from `r` (the finest level
// alone: render waits for it anyway). A failure keeps the field as is.
std::shared_ptr<const scene::VectorField> modelDensityField(const scene::VectorField& field,
                                                            scene::DensityRequest r) {
  scene::DensityWorker worker;
  const auto start = std::chrono::steady_clock::now();
  const double t = r.t;
  worker.request(std::move(r));
  worker.waitIdle(std::chrono::minutes(10));
  auto grid = worker.latest();
  if (!grid) {
    std::fprintf(
        stderr, "scorescope render: model density: %s\n",
        worker.lastError().empty() ? "not finished within 10 minutes" : worker.lastError().c_str());
    return std::make_shared<scene::VectorField>(field);
  }
  std::printf("model density: %dx%d at t = %.4g, %lld NFE, %.1f s\n", grid->nx, grid->ny, t,
              static_cast<long long>(grid->nfe),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return std::make_shared<scene::VectorField>(scene::withModelDensity(field, *grid));
}

}  // namespace

FieldSource waitedFieldSource(const ExplorerState& state,
                              std::shared_ptr<const scene::PointCloud> cloud,
                              std::shared_ptr<const train::ModelSnapshot> model) {
  return [&state, cloud, model](const Viewport& view) -> std::shared_ptr<const scene::VectorField> {
    std::shared_ptr<const scene::VectorField> field;
    if (auto r = fieldRequestFor(state, *cloud, model, view)) {
      scene::FieldWorker worker;
      worker.request(*r);
      worker.waitIdle(std::chrono::minutes(5));
      if (!worker.lastError().empty())
        std::fprintf(stderr, "scorescope render: field: %s\n", worker.lastError().c_str());
      field = worker.latest();
    }
    auto density = modelDensityRequestFor(state, *cloud, model, view, DensityDetail::FinestOnly);
    if (!density) return field;
    return modelDensityField(field ? *field : scene::VectorField{}, std::move(*density));
  };
}

Expected<RenderedImage> renderExplorer(UiContext& ui, const ExplorerState& state,
                                       std::shared_ptr<const scene::PointCloud> cloud, int width,
                                       int height, const FieldSource& fields, const RunView* run) {
  Canvas2D canvas;
  CanvasScene scene = makeCanvasScene(state, std::move(cloud), 1, run);
  auto image = renderWindow(
      ui, width, height,
      [&](int frame) {
        canvas.draw(scene, state.canvas, {static_cast<float>(width), static_cast<float>(height)},
                    false);
        if (frame == 0 && fields) scene.field = fields(canvas.viewport());
      },
      state.canvas.transparentBackground);
  if (!canvas.error().empty()) return Error{"canvas: " + canvas.error()};
  if (image) {
    image.value().plot = canvas.geometry();
    image.value().overlays = canvas.overlayPass();
  }
  return image;
}

Expected<RenderedImage> renderCompare(UiContext& ui, const ExplorerState& state,
                                      std::shared_ptr<const scene::PointCloud> cloud,
                                      const std::vector<const RunView*>& views, int width,
                                      int height) {
  CompareView view;
  ExplorerState shown = state;
  auto image = renderWindow(
      ui, width, height,
      [&](int) {
        view.draw(shown, cloud, 1, views, {static_cast<float>(width), static_cast<float>(height)},
                  false);
      },
      state.canvas.transparentBackground);
  if (!view.error().empty()) return Error{"canvas: " + view.error()};
  if (image) {
    image.value().panes = view.geometries();
    if (!image.value().panes.empty()) image.value().plot = image.value().panes.front();
  }
  return image;
}

Expected<RenderedImage> renderImageView(UiContext& ui, const ImageViewContent& content, int width,
                                        int height) {
  ImageView view;
  return renderWindow(ui, width, height, [&](int) {
    view.draw(content, static_cast<float>(width), static_cast<float>(height));
  });
}

Expected<RenderedImage> renderSolverLab(UiContext& ui, const sample::SolverLabResult& lab,
                                        int width, int height) {
  return renderWindow(ui, width, height, [&](int) {
    const float pad = ImGui::GetFontSize() * 0.6f;
    ImGui::SetCursorPos(ImVec2(pad, pad));
    ImGui::TextUnformatted(solverLabSummary(lab).c_str());
    ImGui::SetCursorPosX(pad);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    solverLabPlots(lab, avail.x - pad, avail.y - pad);
  });
}

Expected<bool> writePng(const std::string& path, const RenderedImage& image) {
  return writeFileAtomic(path, [&](const std::string& tmp) {
    return stbi_write_png(tmp.c_str(), image.width, image.height, 4, image.rgba.data(),
                          image.width * 4) != 0;
  });
}

}  // namespace ss::ui
