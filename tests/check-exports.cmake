# abi/exports: three lists must be equal: the functions the public headers declare with IOP_API,
# the names in libiop.map, and the dynamic symbols the library exports. (The map alone decides
# what is exported, so a function missing from it would silently be hidden: the headers are the
# reference.)
# Usage: cmake -DNM=nm -DLIBRARY=libiop.so -DMAP=libiop.map -DHEADERS="a.h|b.h" -P check-exports.cmake
execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
  OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${nm_out}")
set(exported)
foreach(line IN LISTS lines)
  # "<address> <type> <name>[@@VERSION]"; keep text symbols and data, skip version nodes (A).
  if(line MATCHES "^[0-9a-fA-F]+ [TDBR] ([A-Za-z_][A-Za-z0-9_]*)")
    list(APPEND exported "${CMAKE_MATCH_1}")
  endif()
endforeach()

file(READ "${MAP}" map_text)
string(REGEX REPLACE "/\\*([^*]|\\*[^/])*\\*/" "" map_text "${map_text}")
# Entries look like "    iop_name;" (';' is also CMake's list separator, so match with it).
string(REGEX MATCHALL "[ \t\n]([a-z_][a-z0-9_]*);" raw "${map_text}")
set(listed)
foreach(e IN LISTS raw)
  string(STRIP "${e}" e)
  if(NOT e STREQUAL "")
    list(APPEND listed "${e}")
  endif()
endforeach()

set(declared)
string(REPLACE "|" ";" header_list "${HEADERS}")
foreach(h IN LISTS header_list)
  file(READ "${h}" text)
  # Declarations start a line with IOP_API; the macro's own definitions start with '#'.
  string(REGEX MATCHALL "\nIOP_API[^;(#]*[ *]([a-z_][a-z0-9_]*) *\\(" decls "\n${text}")
  foreach(d IN LISTS decls)
    string(REGEX REPLACE ".*[ *]([a-z_][a-z0-9_]*) *\\($" "\\1" name "${d}")
    list(APPEND declared "${name}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES declared)
set(undeclared ${listed})
list(REMOVE_ITEM undeclared ${declared})
set(unlisted ${declared})
list(REMOVE_ITEM unlisted ${listed})
if(undeclared OR unlisted)
  message(FATAL_ERROR "Public headers and libiop.map disagree.\n"
    "  declared IOP_API but not in the map: ${unlisted}\n"
    "  in the map but not declared in a public header: ${undeclared}")
endif()

list(REMOVE_DUPLICATES exported)
list(REMOVE_DUPLICATES listed)
set(missing_from_map ${exported})
list(REMOVE_ITEM missing_from_map ${listed})
set(missing_from_lib ${listed})
list(REMOVE_ITEM missing_from_lib ${exported})
list(LENGTH exported n_exported)
list(LENGTH listed n_listed)
if(missing_from_map OR missing_from_lib)
  message(FATAL_ERROR "Exported symbols and libiop.map disagree.\n"
    "  exported but not in the map: ${missing_from_map}\n"
    "  in the map but not exported: ${missing_from_lib}")
endif()
if(n_exported EQUAL 0)
  message(FATAL_ERROR "no exported symbols found in ${LIBRARY}")
endif()
list(LENGTH declared n_declared)
message(STATUS "abi/exports: ${n_declared} declared, ${n_listed} in the map, ${n_exported} exported: all equal")
