// The "Canvas tools" panel: the tool selector (pan, drop particle or cluster, encode, draw,
// erase), the probes' legend and "clear probes", and the drawing's brush and dataset
// buttons. UI thread, inside an ImGui window.
#pragma once

#include <string>

#include "ui/session/explorer_state.h"
#include "ui/views/canvas_tools.h"

namespace ss::ui {

struct CanvasToolsAction {
  bool dataChanged = false;  // state.data now names the drawn CSV: request its cloud
  bool train = false;        // "Train on it": start the trainer too
};

// `dataDir`: where drawn datasets go (drawnDataDir() in the app, a temp dir in tests).
CanvasToolsAction drawCanvasToolsPanel(CanvasTools& tools, ExplorerState& state,
                                       const std::string& dataDir);

}  // namespace ss::ui
