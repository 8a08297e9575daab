#error \
    "core/ must not include OpenGL, GLFW, epoxy or ImGui (GLFW/glfw3.h): publish plain data for ui/ instead"
