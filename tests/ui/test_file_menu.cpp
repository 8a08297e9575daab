// Tier 2: the File menu's keyboard shortcuts, under a headless ImGui frame: Ctrl+Q asks to
// quit (LessonShell then closes the window), a plain Q does nothing, and neither fires while
// a text field has the keyboard; Open model… describes the typed file.
#include <gtest/gtest.h>

#include "tests/ui/offscreen_test.h"

// epoxy before GLFW (file_menu.h pulls in epoxy; GLFW must not bring the system gl.h first).
#include <epoxy/gl.h>

#include <GLFW/glfw3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

// File → Open model… says what the typed file holds before it is opened: here, that a file
// of text is no model (the summary of a good one is core's describeModelFile, tested there).
TEST_F(FileMenuKeys, OpenModelDescribesTheTypedFile) {
  const auto junk = std::filesystem::temp_directory_path() /
                    ("scorescope_menu_" + std::to_string(::getpid()) + "_junk.pt");
  std::ofstream(junk) << "not a model";
  ui::FileMenuState state;
  ui::Prefs prefs;
  state.dialog = ui::FileMenuState::Dialog::OpenModel;
  state.dialogJustOpened = true;
  state.path = "/nonexistent/model.pt";
  auto frame = [&] {
    pointerFrame(900, 600, ImVec2(-1, -1), false, 0, [&] { ui::drawFileDialog(state, prefs); });
  };
  frame();
  EXPECT_EQ(state.description, "") << "no file yet: nothing to describe";
  state.path = junk.string();
  frame();
  frame();
  EXPECT_TRUE(state.descriptionIsError);
  EXPECT_NE(state.description.find(junk.string()), std::string::npos) << state.description;
  EXPECT_NE(state.description.find("TorchScript"), std::string::npos) << state.description;
  std::filesystem::remove(junk);
}

}  // namespace
