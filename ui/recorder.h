// Records the timeline from the GUI without ever waiting: the app lends it the explorer's t
// (one frame per UI frame, and only once the views for that t are ready), it renders that
// frame offscreen and hands it to an AnimationWriter, whose worker encodes. Cancel removes
// the partial output. UI thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/common/error.h"
#include "ui/export/animation_writer.h"
#include "ui/offscreen_render.h"
#include "ui/panels/file_menu.h"

namespace ss::ui {

// What a recorded frame waits for: every view shown for its t. The GUI fills this each UI
// frame while recording and ticks the recorder with frameReady().
struct FrameReadiness {
  bool cloud = false;            // the data cloud has arrived
  bool runNeeded = false;        // a reverse mode or compare panes are shown
  bool runDone = false;          // … and the run (every pane's) is complete
  bool fieldNeeded = false;      // a score field, the exact density or the score error is shown
  std::optional<double> fieldT;  // the t of the latest field grid, if there is one
  bool modelDensityNeeded =
      false;  // the model's density heatmap is shown and a trained model exists
  std::optional<double> densityT;  // the t of the latest model density grid, if there is one
  bool densityFinest = false;      // … and it reached its request's finest level
};
// `t`: the time being recorded (clamped to [ε, T] as the field and density requests are).
bool frameReady(const FrameReadiness& r, double t);

class TimelineRecorder {
 public:
  // Opens the output (errors show before any frame). Forward mode runs t from 0 to T, the
  // reverse modes from T down to 0.
  Expected<bool> start(const std::string& out, int width, int height, int frames, double fps,
                       bool forward, double T);
  bool active() const { return m_writer != nullptr; }
  // The t the explorer should show while recording, and the frame it is for (0-based).
  double targetT() const;
  int targetFrame() const { return m_next; }
  // Renders the frame for targetT() with `draw` when `ready` (the views show that t), and
  // pushes it; after the last frame, waits (across UI frames) for the encoder and finishes.
  // Returns a message when the recording ended ("wrote …" or the error), else empty.
  std::string tick(bool ready, const std::function<Expected<RenderedImage>()>& draw, bool* error);
  void cancel();
  RecordingStatus status() const;

 private:
  std::unique_ptr<AnimationWriter> m_writer;
  std::string m_out;
  int m_frames = 0, m_next = 0;
  bool m_forward = true;
  double m_T = 1.0;
  std::vector<unsigned char> m_pending;  // a rendered frame the writer's queue refused
};

}  // namespace ss::ui
