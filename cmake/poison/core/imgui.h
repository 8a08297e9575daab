#error \
    "core/ must not include OpenGL, GLFW, epoxy or ImGui (imgui.h): publish plain data for ui/ instead"
