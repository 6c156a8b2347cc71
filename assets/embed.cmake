# SPDX-License-Identifier: MIT
# Turns every file below SRC into a C array in OUT, so one binary carries
# the whole flow and its teaching text. Run as: cmake -DSRC=.. -DOUT=.. -P embed.cmake
file(GLOB_RECURSE files RELATIVE ${SRC} ${SRC}/*.step ${SRC}/*.cause ${SRC}/*.flow ${SRC}/*.txt
     ${SRC}/*.scenario ${SRC}/*.choices)
list(SORT files)
set(body "/* generated from assets/ by assets/embed.cmake: do not edit */\n#include <stddef.h>\n#include \"engine/assets.h\"\n\n")
set(table "")
set(i 0)
foreach(f ${files})
  file(READ ${SRC}/${f} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char asset_${i}[] = {${hex}0x00};\n")
  string(APPEND table "\t{\"${f}\", (const char *)asset_${i}, ${len}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst struct asset_file assets_embedded[] = {\n${table}\t{NULL, NULL, 0}\n};\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
