#include "ui/ui_context.h"

#include <epoxy/gl.h>
// epoxy first: GLFW must not pull in a system GL header of its own.
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ui/theme.h"

namespace ss::ui {

namespace {
std::string g_lastGlfwError;
int g_glErrors = 0;
std::string g_firstGlError;

void GLAPIENTRY onGlDebug(GLenum source, GLenum type, GLuint id, GLenum severity, GLsizei length,
                          const GLchar* message, const void* user) {
  if (type != GL_DEBUG_TYPE_ERROR) return;
  if (g_glErrors++ == 0) g_firstGlError = message ? message : "?";
  std::fprintf(stderr, "scorescope: GL error: %s\n", message ? message : "?");
}
void onGlfwError(int code, const char* description) {
  g_lastGlfwError = description ? description : ("GLFW error " + std::to_string(code));
}
}  // namespace

Expected<std::unique_ptr<UiContext>> UiContext::create(const WindowOptions& options) {
  glfwSetErrorCallback(onGlfwError);
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((!display || !*display) && (!wayland || !*wayland))
    return Error{"no display: set DISPLAY, or run headless with xvfb-run -a"};
  if (!glfwInit()) return Error{"cannot open the display (" + g_lastGlfwError + ")"};

  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, options.visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  glfwWindowHint(GLFW_OPENGL_DEBUG_CONTEXT, options.debugGl ? GLFW_TRUE : GLFW_FALSE);
  GLFWwindow* window =
      glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!window) {
    std::string why = g_lastGlfwError;
    glfwTerminate();
    return Error{"OpenGL 3.3 core is not available (" + why + ")"};
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  if (epoxy_gl_version() < 33) {
    glfwDestroyWindow(window);
    glfwTerminate();
    return Error{"OpenGL 3.3 core is not available (got " +
                 std::to_string(epoxy_gl_version() / 10) + "." +
                 std::to_string(epoxy_gl_version() % 10) + ")"};
  }

  if (options.debugGl && (epoxy_gl_version() >= 43 || epoxy_has_gl_extension("GL_KHR_debug"))) {
    glEnable(GL_DEBUG_OUTPUT);
    glEnable(GL_DEBUG_OUTPUT_SYNCHRONOUS);
    glDebugMessageCallback(onGlDebug, nullptr);
  }

  auto ctx = std::unique_ptr<UiContext>(new UiContext());
  ctx->m_window = window;
  float sx = 1, sy = 1;
  glfwGetWindowContentScale(window, &sx, &sy);
  ctx->m_scale = options.fontScale > 0 ? options.fontScale : std::max(1.0f, sx);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is fixed by the app for now
  setupTheme(ctx->m_scale);
  if (options.visible) {
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ctx->m_glfwBackend = true;
  }
  ImGui_ImplOpenGL3_Init("#version 330 core");
  return ctx;
}

UiContext::~UiContext() {
  ImGui_ImplOpenGL3_Shutdown();
  if (m_glfwBackend) ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(m_window);
  glfwTerminate();
}

void UiContext::setScale(float scale) {
  scale = std::clamp(scale, 0.5f, 4.0f);
  if (scale == m_scale) return;
  m_scale = scale;
  setupTheme(m_scale);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

std::string UiContext::glVersion() const {
  const char* v = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  const char* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  return std::string(v ? v : "?") + " on " + (r ? r : "?");
}

bool UiContext::softwareRenderer() const {
  const char* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const std::string s = r ? r : "";
  return s.find("llvmpipe") != std::string::npos || s.find("softpipe") != std::string::npos ||
         s.find("swrast") != std::string::npos;
}

int UiContext::glErrorCount() const { return g_glErrors; }
std::string UiContext::firstGlError() const { return g_firstGlError; }

void UiContext::beginFrame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void UiContext::renderFrame() {
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(m_window, &w, &h);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(0, 0, w, h);
  glClearColor(0.06f, 0.07f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void UiContext::swapBuffers() { glfwSwapBuffers(m_window); }

void UiContext::beginHeadlessFrame(int width, int height) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  io.DeltaTime = 1.0f / 60.0f;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
}

void UiContext::endHeadlessFrame() {
  ImGui::Render();
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace ss::ui
