# Installing NPLab: `cmake --install build --prefix P` puts the programs in P/bin, the LibTorch
# they were built against in P/lib/nplab (found through the programs' RPATH, so nothing depends
# on the build tree or a Python venv), the shipped models in P/share/nplab/models (found by the
# app from its own location), and the desktop entry and icon where desktops look for them.
# `make package` (cpack -G DEB) builds a Debian package of the same tree, prefix /usr.

include(GNUInstallDirs)

set(NPLAB_PRIVATE_LIBDIR "${CMAKE_INSTALL_LIBDIR}/nplab")
set(NPLAB_INSTALL_TARGETS nplab-cli)
if(NPLAB_BUILD_GUI)
  list(APPEND NPLAB_INSTALL_TARGETS nplab)
endif()
# Relative to the programs, wherever the tree is installed (or unpacked).
file(RELATIVE_PATH nplab_bin_to_libs "/${CMAKE_INSTALL_BINDIR}" "/${NPLAB_PRIVATE_LIBDIR}")
set_target_properties(${NPLAB_INSTALL_TARGETS} PROPERTIES
                      INSTALL_RPATH "$ORIGIN/${nplab_bin_to_libs}")
install(TARGETS ${NPLAB_INSTALL_TARGETS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# LibTorch's shared libraries, from beside the libtorch the build linked: the CPU ones always,
# the CUDA ones when this LibTorch has them. Not its Python bindings or test libraries.
get_filename_component(nplab_torch_lib_dir "${TORCH_LIBRARY}" DIRECTORY)
set(nplab_torch_libs)
foreach(name libtorch.so libtorch_cpu.so libc10.so libgomp.so.1 libtorch_cuda.so libc10_cuda.so
        libtorch_global_deps.so)
  if(EXISTS "${nplab_torch_lib_dir}/${name}")
    list(APPEND nplab_torch_libs "${nplab_torch_lib_dir}/${name}")
  endif()
endforeach()
# A CUDA wheel also bundles the CUDA runtime's pieces under these names.
file(GLOB nplab_torch_cuda_runtime "${nplab_torch_lib_dir}/libcudart*.so*"
     "${nplab_torch_lib_dir}/libnvToolsExt*.so*")
list(APPEND nplab_torch_libs ${nplab_torch_cuda_runtime})
install(FILES ${nplab_torch_libs} DESTINATION ${NPLAB_PRIVATE_LIBDIR})
# The wheel's libraries keep their symbol tables; the programs need only the dynamic ones.
foreach(library ${nplab_torch_libs})
  get_filename_component(name "${library}" NAME)
  install(CODE "execute_process(COMMAND strip --strip-unneeded
                  \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${NPLAB_PRIVATE_LIBDIR}/${name}\")")
endforeach()

# Manual pages, compressed as Debian installs them.
foreach(page nplab-cli.1 nplab.1)
  if(page STREQUAL "nplab.1" AND NOT NPLAB_BUILD_GUI)
    continue()
  endif()
  set(compressed ${PROJECT_BINARY_DIR}/man/${page}.gz)
  file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/man)
  execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/resources/man/${page}
                  OUTPUT_FILE ${compressed})
  install(FILES ${compressed} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/nplab/models
        FILES_MATCHING PATTERN "*.pt" PATTERN "*.json")
if(NPLAB_BUILD_GUI)
  # File > Open Example: the sessions and the sample images they name.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/examples/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/nplab/examples)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/nplab.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/nplab.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nplab)
set(CPACK_PACKAGE_VENDOR "NPLab")
set(NPLAB_PACKAGE_MAINTAINER "NPLab maintainers <maintainers@nplab.invalid>"
    CACHE STRING "The Debian package's Maintainer field: set it to who builds the package")
set(CPACK_PACKAGE_CONTACT "${NPLAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "interactive lab for Neural Processes")
# The extended description under CPACK_PACKAGE_DESCRIPTION_SUMMARY, wrapped for dpkg (CPack
# indents each line).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "NPLab explores Neural Processes interactively: click context points onto a
function or reveal pixels of an image and watch the predictive mean and
uncertainty of a CMANP or TNP-KR update live, stream a million points at
constant memory, and measure memory against context size beside TNP-D and
LBANP. It ships trained models and a command line that trains, evaluates and
benchmarks them.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# LibTorch travels inside the package (lib/nplab), so dpkg-shlibdeps is not run over it; the
# system libraries the programs link are listed here instead.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(nplab_depends "libc6, libstdc++6, zlib1g")
if(NPLAB_BUILD_GUI)
  string(APPEND nplab_depends ", libqt6core6, libqt6gui6, libqt6widgets6, libqt6printsupport6, "
                              "libqt6svg6, libqcustomplot2.1-qt6")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${nplab_depends}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)  # xz takes minutes over LibTorch's 430 MB
set(CPACK_STRIP_FILES TRUE)

# A native package's changelog (Debian policy 12.7), compressed as dpkg expects.
set(nplab_changelog ${PROJECT_BINARY_DIR}/debian/changelog)
string(TIMESTAMP nplab_configured "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${nplab_changelog}
     "nplab (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
     "  * Package of NPLab ${PROJECT_VERSION}.\n\n"
     " -- ${CPACK_PACKAGE_CONTACT}  ${nplab_configured}\n")
execute_process(COMMAND gzip -9nf ${nplab_changelog})
install(FILES ${nplab_changelog}.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nplab)
# /usr/share/doc/nplab/copyright (Debian policy 12.5): NPLab's own terms, then those of the
# LibTorch it carries, read from the torch wheel's licence files when the build used the wheel.
get_filename_component(nplab_torch_root "${nplab_torch_lib_dir}" DIRECTORY)
file(GLOB nplab_torch_license_dirs "${nplab_torch_root}/../torch-*.dist-info/licenses")
set(nplab_copyright ${PROJECT_BINARY_DIR}/debian/copyright)
file(READ ${PROJECT_SOURCE_DIR}/resources/copyright nplab_copyright_text)
if(nplab_torch_license_dirs)
  list(GET nplab_torch_license_dirs 0 nplab_torch_licenses)
  file(READ ${nplab_torch_licenses}/LICENSE nplab_torch_license_text)
  string(APPEND nplab_copyright_text
         "\nThe LibTorch ${Torch_VERSION} libraries in /usr/lib/nplab (PyTorch), under these terms:\n\n"
         "${nplab_torch_license_text}\n"
         "The third-party components built into LibTorch keep their own licences; their texts are\n"
         "in /usr/share/doc/nplab/libtorch-licenses/.\n")
  install(DIRECTORY ${nplab_torch_licenses}/third_party/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nplab/libtorch-licenses)
else()
  string(APPEND nplab_copyright_text
         "\nThe LibTorch libraries in /usr/lib/nplab come from PyTorch (https://pytorch.org) under\n"
         "its BSD-style licence, distributed with the LibTorch this package was built against.\n")
endif()
file(WRITE ${nplab_copyright} "${nplab_copyright_text}")
install(FILES ${nplab_copyright} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nplab)
install(FILES ${PROJECT_SOURCE_DIR}/resources/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME nplab)
include(CPack)
