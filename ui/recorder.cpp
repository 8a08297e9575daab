#include "ui/recorder.h"

#include <cmath>
#include <cstdio>

namespace ss::ui {

Expected<bool> TimelineRecorder::start(const std::string& out, int width, int height, int frames,
                                       double fps, bool forward, double T) {
  if (frames < 2) return Error{"an animation needs at least 2 frames"};
  AnimationSpec spec;
  spec.out = out;
  spec.width = width;
  spec.height = height;
  spec.fps = fps;
  auto writer = AnimationWriter::open(spec);
  if (!writer) return writer.error();
  m_writer = std::move(writer.value());
  m_out = out;
  m_frames = frames;
  m_next = 0;
  m_forward = forward;
  m_T = T;
  m_pending.clear();
  return true;
}

double TimelineRecorder::targetT() const {
  const double u =
      m_frames > 1 ? static_cast<double>(std::min(m_next, m_frames - 1)) / (m_frames - 1) : 0.0;
  return m_forward ? u * m_T : (1.0 - u) * m_T;
}

bool frameReady(const FrameReadiness& r, double t) {
  const auto at = [t](const std::optional<double>& u) { return u && std::abs(*u - t) < 1e-9; };
  return r.cloud && (!r.runNeeded || r.runDone) && (!r.fieldNeeded || at(r.fieldT)) &&
         (!r.modelDensityNeeded || (at(r.densityT) && r.densityFinest));
}

std::string TimelineRecorder::tick(bool ready, const std::function<Expected<RenderedImage>()>& draw,
                                   bool* error) {
  *error = false;
  if (!m_writer) return {};
  auto stop = [&](std::string message, bool failed) {
    *error = failed;
    if (failed) m_writer->cancel();
    m_writer.reset();
    return message;
  };
  if (m_writer->failed()) return stop(m_writer->error(), true);
  if (!m_pending.empty()) {  // the queue was full last time: offer the same frame again
    if (!m_writer->push(std::move(m_pending))) return {};
    m_pending.clear();
    ++m_next;
    return {};
  }
  if (m_next < m_frames) {
    if (!ready) return {};
    auto image = draw();
    if (!image) return stop("recording: " + image.error().message, true);
    std::vector<unsigned char> rgba = std::move(image.value().rgba);
    if (!m_writer->push(std::move(rgba))) {
      if (m_writer->failed()) return stop(m_writer->error(), true);
      m_pending = std::move(rgba);  // push leaves a refused frame with the caller
      return {};
    }
    ++m_next;
    if (m_next == m_frames) m_writer->close();
    return {};
  }
  if (!m_writer->done()) return {};  // encoding the last frames: check again next UI frame
  auto finished = m_writer->finish();
  if (!finished) return stop(finished.error().message, true);
  char msg[512];
  std::snprintf(msg, sizeof msg, "wrote %s (%d frames)", m_out.c_str(), m_frames);
  return stop(msg, false);
}

void TimelineRecorder::cancel() {
  if (m_writer) m_writer->cancel();
  m_writer.reset();
  m_pending.clear();
}

RecordingStatus TimelineRecorder::status() const {
  RecordingStatus s;
  s.active = m_writer != nullptr;
  s.framesDone = m_writer ? m_writer->framesWritten() : 0;
  s.framesTotal = m_frames;
  s.out = m_out;
  return s;
}

}  // namespace ss::ui
