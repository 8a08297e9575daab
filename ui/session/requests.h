// The requests the workers get, from the session alone: the 2D explorer's (field, model
// density, probes) and the image explorer's (the run, its compare grid, the interpolation
// strip). The window's controllers and `scorescope render` both build theirs here, so an
// export asks for what the window shows. Pure functions, GL-free, any thread.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "core/common/error.h"
#include "core/scene/density_worker.h"
#include "core/scene/image_interp.h"
#include "core/scene/image_run.h"
#include "core/scene/point_cloud.h"
#include "core/scene/probe_worker.h"
#include "core/scene/vector_field.h"
#include "ui/session/explorer_state.h"
#include "ui/session/scene_file.h"

namespace ss::ui {

// The time a score or density is evaluated at for the shown t: t clamped to [ε, T] (the
// score is singular at t = 0).
double evaluationTime(const sde::SdeConfig& resolved, double t);

// Cells across the exact density and score-error heatmaps of a plot `widthPx` wide: one per
// 6 pixels, 64 to 256 (the window's ~1,180-pixel canvas gets 197).
int densityCells(float widthPx);

// The score-field request (arrows, streamlines, the exact density, the score-error map) for
// the state's layers at its t over `view`. `model`: the learned score, null while there is
// none (or only an untrained network, whose arrows would mislead). nullopt when no layer
// needs a field.
std::optional<scene::FieldRequest> fieldRequestFor(
    const ExplorerState& state, const scene::PointCloud& cloud,
    std::shared_ptr<const train::ModelSnapshot> model, const Viewport& view);

// Whether a result computed for `asked` still belongs to what the state shows: the same data
// and the same (resolved) SDE. A field or density of the previous dataset or SDE is not
// drawn while the new one computes.
bool stillShown(const std::string& data, const sde::SdeConfig& sde, const ExplorerState& state,
                const scene::PointCloud& cloud);

// How much of the model's density (PF-ODE, refined coarse to fine) a request asks for: all
// levels (a still view), the coarsest alone (the timeline plays), up to 64 cells (each
// frame of a recording waits for it), or the finest alone (render waits for it anyway).
enum class DensityDetail { Refined, Coarse, Recording, FinestOnly };

// The model-density request at the state's t over `view`; nullopt when the density layer is
// off, shows the exact density, or there is no model.
std::optional<scene::DensityRequest> modelDensityRequestFor(
    const ExplorerState& state, const scene::PointCloud& cloud,
    std::shared_ptr<const train::ModelSnapshot> model, const Viewport& view, DensityDetail detail);

// A canvas probe of `kind` at the state's t: its data, resolved SDE and sampler, the model
// when the state samples with one, numbered `id` and seeded by the data's seed + id. The
// points are the caller's (the tool's click, its cluster, or the snapped data point).
scene::ProbeRequest probeRequestFor(const ExplorerState& state, const scene::PointCloud* cloud,
                                    std::shared_ptr<const train::ModelSnapshot> model,
                                    scene::ProbeKind kind, uint64_t id);

// The image run a scene asks for: its image run with the scene's data and sampler, and the
// scene's checkpoint when the run names no model.
scene::ImageRunRequest imageRunRequestFor(const Scene& scene);

// The compare grid's run: `run` through the sampler preset `preset` with `run`'s steps, so
// both grids start from the same prior draw. An unknown preset is an error.
Expected<scene::ImageRunRequest> compareRunRequestFor(const scene::ImageRunRequest& run,
                                                      const std::string& preset);

// The latent interpolation strip through `run`'s score (data, limit, model, live snapshot)
// between the strip's two dataset images, its frames clamped to [2, 32].
scene::InterpolationRequest interpolationRequestFor(const scene::ImageRunRequest& run,
                                                    const Scene::Interpolation& strip);

}  // namespace ss::ui
