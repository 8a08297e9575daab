// Tier 2: the File menu's keyboard shortcuts, under a headless ImGui frame: Ctrl+Q asks to
// quit (LessonShell then closes the window), a plain Q does nothing, and neither fires while
// a text field has the keyboard.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

// epoxy before GLFW (file_menu.h pulls in epoxy; GLFW must not bring the system gl.h first).
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>

#include "ui/panels/file_menu.h"
#include "ui/prefs.h"

using namespace ss;

namespace {

class FileMenuKeys : public ss::test::OffscreenTest {
 protected:
  // One frame with `key` held (Ctrl too when `ctrl`): the action drawFileMenu returns.
  static ui::FileAction pressed(int key, bool ctrl) {
    ImGuiIO& io = ImGui::GetIO();
    ui::FileMenuState state;
    ui::Prefs prefs;
    ui::FileAction action;
    io.KeyCtrl = ctrl;
    io.KeysDown[key] = true;
    pointerFrame(640, 400, ImVec2(-1, -1), false, 0,
                 [&] { action = ui::drawFileMenu(state, prefs, ui::RecordingStatus{}, false); });
    io.KeysDown[key] = false;
    io.KeyCtrl = false;
    pointerFrame(640, 400, ImVec2(-1, -1), false, 0, [] {});  // release
    return action;
  }
};

TEST_F(FileMenuKeys, CtrlQQuitsAndAPlainQDoesNot) {
  EXPECT_EQ(pressed(GLFW_KEY_Q, true).kind, ui::FileAction::Kind::Quit);
  EXPECT_EQ(pressed(GLFW_KEY_Q, false).kind, ui::FileAction::Kind::None);
  EXPECT_EQ(pressed(GLFW_KEY_W, true).kind, ui::FileAction::Kind::None);
}

}  // namespace
