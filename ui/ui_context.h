// UiContext: a GLFW window with an OpenGL 3.3 core context (epoxy), Dear ImGui and its
// GLFW/OpenGL3 backends, fonts and theme. Visible for the GUI, hidden for `render` and the
// GUI tests. Shutdown order (destructor): ImGui backends, ImGui context, window, GLFW;
// GL objects owned by views must be destroyed before it. UI thread only.
#pragma once

#include <memory>
#include <string>

#include "core/common/error.h"

struct GLFWwindow;

namespace ss::ui {

struct WindowOptions {
  int width = 1600;
  int height = 900;
  bool visible = true;
  std::string title = "ScoreScope";
  float fontScale = 0;   // 0: the monitor's content scale (high-DPI), else this factor
  bool debugGl = false;  // debug context + glDebugMessageCallback (GL 4.3 / KHR_debug)
};

class UiContext {
 public:
  // Fails with a one-line message when there is no display or no OpenGL 3.3.
  static Expected<std::unique_ptr<UiContext>> create(const WindowOptions& options);
  ~UiContext();
  UiContext(const UiContext&) = delete;
  UiContext& operator=(const UiContext&) = delete;

  GLFWwindow* window() const { return m_window; }
  float scale() const { return m_scale; }
  // Rebuilds fonts and style at a new scale (projector / high-DPI). Call between frames.
  void setScale(float scale);
  std::string glVersion() const;  // "4.5 (Core Profile) Mesa …"
  bool softwareRenderer() const;  // llvmpipe, softpipe or swrast: every pixel costs CPU
  // With debugGl: how many GL errors the driver reported, and the first message.
  int glErrorCount() const;
  std::string firstGlError() const;

  // GUI frames (GLFW input): beginFrame → build ImGui → renderFrame (draws into the
  // window's back buffer) → swapBuffers.
  void beginFrame();
  void renderFrame();
  void swapBuffers();
  // Headless frames of a fixed size: begin → build → endHeadlessFrame (renders into the
  // bound framebuffer). Used by `render` and the tests.
  void beginHeadlessFrame(int width, int height);
  void endHeadlessFrame();

 private:
  UiContext() = default;
  GLFWwindow* m_window = nullptr;
  float m_scale = 1.0f;
  bool m_glfwBackend = false;
};

}  // namespace ss::ui
