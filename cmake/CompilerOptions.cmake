# Warnings and sanitizers for the project's own targets. No host-specific flags (-march=native) here: wheels
# built from this tree must run on any machine of their platform. The compilers supported and tested are GCC (12
# and later) and Clang (14 and later); the code uses GNU attributes (target_clones) and builtins, so MSVC is not
# supported (see README).
function(accountkpi_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      # GCC 12 reports false -Wrestrict and -Wstringop-overflow positives inside std::string concatenation at -O3 (GCC bug 105329).
      target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
      target_link_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)  # LTO warns at link time
    endif()
    if(ACCOUNTKPI_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

function(accountkpi_set_sanitizers target)
  if(ACCOUNTKPI_SANITIZE AND ACCOUNTKPI_TSAN)
    message(FATAL_ERROR "ACCOUNTKPI_SANITIZE (ASan+UBSan) and ACCOUNTKPI_TSAN cannot be combined")
  endif()
  if(ACCOUNTKPI_SANITIZE AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-sanitize-recover=all
                                            -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
  if(ACCOUNTKPI_TSAN AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    # The resolver of a target_clones function runs before the TSan runtime starts and crashes the program:
    # ACCOUNTKPI_NO_DISPATCH compiles the portable clone only.
    target_compile_options(${target} PUBLIC -fsanitize=thread -fno-omit-frame-pointer)
    target_compile_definitions(${target} PUBLIC ACCOUNTKPI_NO_DISPATCH)
    target_link_options(${target} PUBLIC -fsanitize=thread)
  endif()
endfunction()
