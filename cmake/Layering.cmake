# Module boundaries that the compiler enforces, not only review:
#  - core may not include OpenGL, GLFW, epoxy or ImGui: scorescope_core puts
#    cmake/poison/core first on its include path, whose GL/gl.h, GLFW/glfw3.h, epoxy/gl.h,
#    imgui.h and imgui/imgui.h stop the build with #error.
#  - ui may not include LibTorch: scorescope_ui links only scorescope_core_api (core's
#    torch-free service headers) and never gets LibTorch's include directories, so
#    `#include <torch/torch.h>` (directly or through a core header that drags it in) fails
#    to compile. Core headers that ui may include are listed in core/CMakeLists.txt.
# tests/layering_test.cmake also greps the sources, so a violation fails ctest too.
set(SCORESCOPE_POISON_CORE ${CMAKE_CURRENT_LIST_DIR}/poison/core)
