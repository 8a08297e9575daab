#include "ui/theme.h"

#include <imgui.h>

#include <filesystem>

namespace ss::ui {

namespace {
Fonts g_fonts;

const char* findFont() {
  static const char* kCandidates[] = {
      "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
      "/usr/share/fonts/TTF/DejaVuSans.ttf",
      "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  };
  for (const char* p : kCandidates)
    if (std::filesystem::exists(p)) return p;
  return nullptr;
}
}  // namespace

Fonts setupTheme(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  g_fonts = {};
  g_fonts.size = 18.0f * scale;
  // Greek letters and math symbols for σ, β, ε, ∇, ≈ in labels and captions.
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F,
                                    0x2070, 0x209F, 0x2190, 0x22FF, 0};
  if (const char* path = findFont()) {
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    g_fonts.regular = io.Fonts->AddFontFromFileTTF(path, g_fonts.size, &cfg, kRanges);
    g_fonts.large = io.Fonts->AddFontFromFileTTF(path, 28.0f * scale, &cfg, kRanges);
  }
  if (!g_fonts.regular || !g_fonts.large) {
    g_fonts.warning =
        "DejaVu Sans not found (install fonts-dejavu-core): using ImGui's small built-in font";
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * scale;
    g_fonts.regular = io.Fonts->AddFontDefault(&cfg);
    g_fonts.large = g_fonts.regular;
    g_fonts.size = cfg.SizePixels;
  }
  io.FontDefault = g_fonts.regular;

  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.WindowBorderSize = 0;
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(10, 7);
  style.WindowPadding = ImVec2(14, 12);
  ImVec4* c = style.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.115f, 0.140f, 1.0f);
  c[ImGuiCol_Text] = ImVec4(0.94f, 0.95f, 0.97f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.62f, 0.65f, 0.70f, 1.0f);
  c[ImGuiCol_FrameBg] = ImVec4(0.18f, 0.20f, 0.25f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.22f, 0.36f, 0.56f, 0.9f);
  c[ImGuiCol_SliderGrab] = ImVec4(0.45f, 0.68f, 0.98f, 1.0f);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
  return g_fonts;
}

const Fonts& fonts() { return g_fonts; }

namespace {
bool g_highContrast = false;
}  // namespace

void setHighContrast(bool on) { g_highContrast = on; }
bool highContrast() { return g_highContrast; }

const CanvasColours& canvasColours() {
  static const CanvasColours k{
      IM_COL32(16, 19, 26, 255),     // background
      IM_COL32(255, 255, 255, 22),   // grid
      IM_COL32(200, 205, 215, 160),  // axis
      IM_COL32(225, 230, 238, 255),  // text
      IM_COL32(160, 168, 180, 255),  // dim text
  };
  // Presentation: black, with a grid and labels a projector in a lit room still shows.
  static const CanvasColours projector{
      IM_COL32(0, 0, 0, 255),       IM_COL32(255, 255, 255, 40),  IM_COL32(255, 255, 255, 220),
      IM_COL32(255, 255, 255, 255), IM_COL32(215, 220, 228, 255),
  };
  return g_highContrast ? projector : k;
}

}  // namespace ss::ui
