#error \
    "core/ must not include OpenGL, GLFW, epoxy or ImGui (GL/gl.h): publish plain data for ui/ instead"
