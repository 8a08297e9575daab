// Tier 2 (STYLE.md): a panel under Dear ImGui with no backend (no window, no GL, no
// display): a context of its own, the panel drawn into one fixed window each frame, its
// widgets pressed, clicked or typed into by label, the text it drew, and a sink that records
// the commands it sends. One harness at a time, on the test's thread.
#pragma once

#include <imgui.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "ui/panels/commands.h"

namespace ss::test {

// The fake CommandSink: keeps what a panel sent, in order.
struct RecordingSink : ui::CommandSink {
  std::vector<ui::Command> sent;
  void send(const ui::Command& command) override { sent.push_back(command); }
  template <class T>
  int count() const {
    int n = 0;
    for (const auto& c : sent) n += std::holds_alternative<T>(c) ? 1 : 0;
    return n;
  }
  // The only command sent, when it is one T (null otherwise).
  template <class T>
  const T* only() const {
    return sent.size() == 1 ? std::get_if<T>(&sent.front()) : nullptr;
  }
};

// An item named by the IDs pushed on the way to it and its label last, e.g.
// {"##training", "Start"} for a button in the table "##training", {4, "centre-box"} for a
// combo's fifth item (ImGui pushes the index).
struct IdPart {
  IdPart(const char* label) : label(label) {}  // NOLINT: a path reads as a list of labels
  IdPart(int index) : index(index) {}          // NOLINT
  const char* label = nullptr;
  int index = 0;
};
using ItemPath = std::initializer_list<IdPart>;

class PanelHarness {
 public:
  static constexpr const char* kWindow = "panel";

  // `draw` draws the panel inside the harness's window (width × height pixels: tall enough
  // that nothing is clipped, as ImGui skips clipped items).
  explicit PanelHarness(std::function<void()> draw, float width = 460, float height = 1800);
  ~PanelHarness();  // destroys its ImGui context and restores the one before
  PanelHarness(const PanelHarness&) = delete;
  PanelHarness& operator=(const PanelHarness&) = delete;

  // n frames with nothing pressed.
  void frame(int n = 1);
  // Presses the item as keyboard navigation does (ImGui::ActivateItem): a button, checkbox,
  // radio button or header acts in the next frame (drawn here, with one more to release it).
  void press(ItemPath path, const char* window = kWindow);
  // Clicks the middle of the item with the mouse (its rectangle found through ImGui's nav
  // rectangle): a disabled item ignores it, as it ignores a user. False when no such item
  // was drawn.
  bool click(ItemPath path, const char* window = kWindow);
  // Types `text` into an input field (or a slider's text input), replacing what it held,
  // then presses Enter.
  void type(ItemPath path, const std::string& text, const char* window = kWindow);
  // Whether the last frame drew `text` (labels and texts, as ImGui's log renders them).
  bool shows(const std::string& text) const;
  const std::string& text() const { return m_text; }
  bool popupOpen() const;

 private:
  ImGuiID id(ItemPath path, const char* window) const;
  void draw();

  std::function<void()> m_draw;
  float m_width, m_height;
  ImGuiContext* m_previous = nullptr;
  ImGuiContext* m_context = nullptr;
  std::string m_text;
};

}  // namespace ss::test
