#include "tests/ui/panel_harness.h"

#include <imgui_internal.h>

#include <cfloat>
#include <utility>

#include <gtest/gtest.h>

namespace ss::test {

namespace {

constexpr int kEnter = 257;  // any index into io.KeysDown (the GLFW backend's, for the reader)

// The mouse away from every widget.
const ImVec2 kAway(-FLT_MAX, -FLT_MAX);

}  // namespace

PanelHarness::PanelHarness(std::function<void()> draw, float width, float height)
    : m_draw(std::move(draw)), m_width(width), m_height(height) {
  m_previous = ImGui::GetCurrentContext();
  m_context = ImGui::CreateContext();
  ImGui::SetCurrentContext(m_context);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing written next to the test
  io.LogFilename = nullptr;
  io.DisplaySize = ImVec2(width, height);
  io.DeltaTime = 1.0f / 60.0f;
  io.KeyMap[ImGuiKey_Enter] = kEnter;
  io.MousePos = kAway;
  unsigned char* pixels = nullptr;  // the font atlas must be built; nothing uploads it
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

PanelHarness::~PanelHarness() {
  ImGui::DestroyContext(m_context);
  ImGui::SetCurrentContext(m_previous);
}

void PanelHarness::draw() {
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(m_width, m_height));
  ImGui::Begin(kWindow, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  ImGui::LogToBuffer(0);  // depth 0: logging opens no collapsed header
  m_draw();
  m_text = GImGui->LogBuffer.c_str();
  ImGui::LogFinish();
  ImGui::End();
  ImGui::Render();  // draw lists only: there is no backend to draw them
}

void PanelHarness::frame(int n) {
  for (int i = 0; i < n; ++i) draw();
}

ImGuiID PanelHarness::id(ItemPath path, const char* window) const {
  const ImGuiWindow* w = ImGui::FindWindowByName(window);
  EXPECT_NE(w, nullptr) << "no window " << window << " (draw a frame first)";
  if (!w) return 0;
  ImGuiID seed = w->ID;  // as ImGuiWindow::GetID and PushID hash
  for (const IdPart& part : path)
    seed = part.label ? ImHashStr(part.label, 0, seed)
                      : ImHashData(&part.index, sizeof part.index, seed);
  return seed;
}

void PanelHarness::press(ItemPath path, const char* window) {
  ImGui::ActivateItem(id(path, window));
  frame(2);
}

bool PanelHarness::click(ItemPath path, const char* window) {
  const ImGuiID item = id(path, window);
  ImGuiWindow* w = ImGui::FindWindowByName(window);
  if (!w || !item) return false;
  // ImGui keeps the rectangle of the item it navigates to: focus it for one frame. (A window
  // that just appeared has asked for its first item; that request would win.)
  ImGuiContext& g = *GImGui;
  g.NavInitRequest = false;
  g.NavInitResultId = 0;
  ImGui::SetFocusID(item, w);
  frame();
  if (g.NavId != item || !g.NavIdIsAlive) return false;
  const ImRect r = ImGui::WindowRectRelToAbs(w, w->NavRectRel[ImGuiNavLayer_Main]);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = r.GetCenter();
  g.NavDisableMouseHover = false;
  frame();  // hover
  io.MouseDown[0] = true;
  frame();
  io.MouseDown[0] = false;
  frame();  // buttons act on release
  io.MousePos = kAway;
  return true;
}

void PanelHarness::type(ItemPath path, const std::string& text, const char* window) {
  ImGui::ActivateItem(id(path, window));
  GImGui->NavNextActivateFlags = ImGuiActivateFlags_PreferInput;  // as Ctrl+click or Enter
  frame();  // the field opens with its text selected
  ImGuiIO& io = ImGui::GetIO();
  io.AddInputCharactersUTF8(text.c_str());
  frame();
  io.KeysDown[kEnter] = true;
  frame();
  io.KeysDown[kEnter] = false;
  frame();
}

bool PanelHarness::shows(const std::string& text) const {
  return m_text.find(text) != std::string::npos;
}

bool PanelHarness::popupOpen() const { return !GImGui->OpenPopupStack.empty(); }

}  // namespace ss::test
