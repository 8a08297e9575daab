#error \
    "core/ must not include OpenGL, GLFW, epoxy or ImGui (GL/glext.h): publish plain data for ui/ instead"
