# `cmake --install build --prefix P`: what an out-of-tree project needs to
# embed qmlir (examples/external-project) and tools that work from P alone.
#   P/include     qmlir headers (C++ and the C API) and the generated .h.inc
#   P/lib         the static libraries (add_mlir_library installs them)
#   P/lib/cmake/qmlir/QMLIRConfig.cmake   find_package(QMLIR)
#   P/bin         the tools
#   P/share/qmlir/runtime   the runner quant-compile --emit=exe links

include(GNUInstallDirs)

install(DIRECTORY include/qmlir include/qmlir-c
  ${PROJECT_BINARY_DIR}/include/qmlir
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.inc" PATTERN "*.td"
  PATTERN CMakeFiles EXCLUDE)

set(QMLIR_TOOLS quant-opt quant-run quant-calibrate quant-compile
  qmlir-lsp-server)
# Installed tools find libMLIR.so where they were linked against it.
set_target_properties(${QMLIR_TOOLS} PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
install(TARGETS ${QMLIR_TOOLS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES runtime/qmlir_runner.c
  DESTINATION ${CMAKE_INSTALL_DATADIR}/qmlir/runtime)

# Each library as an imported target with its qmlir and MLIR dependencies,
# read from the build's own targets so the two cannot drift apart.
set(QMLIR_EXPORTED_LIBRARIES QMLIRSupport QMLIRCalibration QMLIRABI
  QMLIRQNNDialect QMLIRQNNUtils QMLIRQNNTransforms QMLIRQNNToLinalg
  QMLIRCodegen QMLIRPipelines QMLIRRunner QMLIRTools QMLIRCAPI)
set(QMLIR_IMPORTED_LIBRARIES "")
foreach(lib ${QMLIR_EXPORTED_LIBRARIES})
  get_target_property(deps ${lib} LINK_LIBRARIES)
  # (QMLIRCAPI also names Debian's libMLIRCAPIIR.a by path.)
  list(FILTER deps INCLUDE REGEX "^(QMLIR.*|MLIR|LLVM|/.*\\.a)$")
  string(APPEND QMLIR_IMPORTED_LIBRARIES "qmlir_import_library(${lib} \"${deps}\")\n")
endforeach()
# A sanitized build's libraries need the sanitizer runtimes where they are
# linked (make check-sanitizers builds the external project too).
set(QMLIR_LINK_OPTIONS "")
if("Address" IN_LIST LLVM_USE_SANITIZER)
  list(APPEND QMLIR_LINK_OPTIONS -fsanitize=address)
endif()
if("Undefined" IN_LIST LLVM_USE_SANITIZER)
  list(APPEND QMLIR_LINK_OPTIONS -fsanitize=undefined)
endif()
configure_file(cmake/QMLIRConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lib/cmake/qmlir/QMLIRConfig.cmake @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/lib/cmake/qmlir/QMLIRConfig.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/qmlir)
