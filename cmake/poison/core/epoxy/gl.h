#error \
    "core/ must not include OpenGL, GLFW, epoxy or ImGui (epoxy/gl.h): publish plain data for ui/ instead"
