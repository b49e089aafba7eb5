# Fails when a public header includes anything but the standard library or another public
# header: no LLVM, ANTLR, SUNDIALS, Eigen or fmt type may reach a host program.
file(GLOB_RECURSE headers ${HEADER_DIR}/*.h)
set(bad "")
foreach(h ${headers})
  file(STRINGS ${h} includes REGEX "^[ \t]*#[ \t]*include")
  foreach(line ${includes})
    if(line MATCHES "(llvm|antlr|sundials|cvode|nvector|Eigen|fmt)[/.]" OR
       (line MATCHES "\"" AND NOT line MATCHES "\"nestjit/"))
      list(APPEND bad "${h}: ${line}")
    endif()
  endforeach()
endforeach()
if(bad)
  list(JOIN bad "\n" text)
  message(FATAL_ERROR "public headers include non-public headers:\n${text}")
endif()
list(LENGTH headers n)
message(STATUS "${n} public headers include only the standard library and each other")
