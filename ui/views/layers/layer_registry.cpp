#include "ui/views/layers/layers.h"

namespace ss::ui {

// Drawing order within each pass (GL, overlays, legends): later layers draw over earlier.
std::vector<std::unique_ptr<CanvasLayer>> makeCanvasLayers() {
  std::vector<std::unique_ptr<CanvasLayer>> layers;
  layers.push_back(makeDensityLayer());
  layers.push_back(makePointsLayer());
  layers.push_back(makeMeansLayer());
  layers.push_back(makeArrowsLayer());
  layers.push_back(makeStreamlinesLayer());
  layers.push_back(makeTrailsLayer());
  layers.push_back(makeMovesLayer());
  layers.push_back(makeToolsLayer());
  layers.push_back(makeFixedLineLayer());
  layers.push_back(makeCaptionsLayer());
  return layers;
}

}  // namespace ss::ui
