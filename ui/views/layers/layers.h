// The canvas's layers, one factory each (their classes live in their files);
// layer_registry.cpp orders them.
#pragma once

#include <memory>

#include "ui/views/layers/canvas_layer.h"

namespace ss::ui {

std::unique_ptr<CanvasLayer> makeDensityLayer();      // heatmaps: density, model, score error
std::unique_ptr<CanvasLayer> makePointsLayer();       // the particles (GL)
std::unique_ptr<CanvasLayer> makeMeansLayer();        // mixture means as crosses
std::unique_ptr<CanvasLayer> makeArrowsLayer();       // score arrows
std::unique_ptr<CanvasLayer> makeStreamlinesLayer();  // probability-flow streamlines
std::unique_ptr<CanvasLayer> makeTrailsLayer();       // traced paths and Tweedie ghosts
std::unique_ptr<CanvasLayer> makeMovesLayer();        // PC step-through moves
std::unique_ptr<CanvasLayer> makeToolsLayer();        // probes, drawn points, the brush
std::unique_ptr<CanvasLayer> makeFixedLineLayer();    // 2D inpainting's known coordinate
std::unique_ptr<CanvasLayer> makeCaptionsLayer();     // title, subtitle, colour legend

}  // namespace ss::ui
