// The requests the 2D explorer's workers get, from the session alone: the window's
// controller and `scorescope render` both build theirs here, so an export asks for what the
// window shows. Pure functions, GL-free, any thread.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/scene/vector_field.h"
#include "ui/session/explorer_state.h"

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

}  // namespace ss::ui
