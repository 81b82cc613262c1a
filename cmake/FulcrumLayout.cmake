# Writes <build>/layout_links.txt: for each fulcrum library, the fulcrum
# libraries and the outside packages it links, one line "lib: a b c", so that
# the test package.layout can check the README's layout table against the
# link graph. Build-tree-only helper targets (fulcrum_*_internal) stand for
# what they link.

# The short name of a link item: fulcrum::data -> data, Eigen3::Eigen -> Eigen3,
# yaml-cpp -> yaml-cpp; "" for a fulcrum internal helper target.
function(fulcrum_link_name item out_var)
  string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" item "${item}")
  string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
  if(item MATCHES "^fulcrum::(.+)$")
    set(name "${CMAKE_MATCH_1}")
  elseif(item MATCHES "^fulcrum_.*_internal$")
    set(name "")
  elseif(item MATCHES "^([^:]+)::")
    set(name "${CMAKE_MATCH_1}")
  elseif(item MATCHES "/lib([^/]+)\\.(so|a)$")  # a library found by path: /usr/lib/libdnnl.so -> dnnl
    set(name "${CMAKE_MATCH_1}")
  else()
    set(name "${item}")
  endif()
  set(${out_var} "${name}" PARENT_SCOPE)
endfunction()

# The outside packages an internal helper target brings.
function(fulcrum_internal_packages target out_var)
  get_target_property(items ${target} INTERFACE_LINK_LIBRARIES)
  set(names "")
  foreach(item IN LISTS items)
    if(item MATCHES "^fulcrum")
      continue()
    endif()
    fulcrum_link_name("${item}" name)
    list(APPEND names "${name}")
  endforeach()
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

set(_fulcrum_layout "")
foreach(lib core distributed layers losses optim data metrics plot checkpoint config train experiment onnx)
  get_target_property(_items fulcrum_${lib} LINK_LIBRARIES)
  set(_names "")
  foreach(_item IN LISTS _items)
    string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" _bare "${_item}")
    if(_bare MATCHES "^fulcrum_.*_internal$")
      fulcrum_internal_packages(${_bare} _more)
      list(APPEND _names ${_more})
    else()
      fulcrum_link_name("${_item}" _name)
      list(APPEND _names "${_name}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _names)
  list(SORT _names)
  list(JOIN _names " " _line)
  string(APPEND _fulcrum_layout "${lib}: ${_line}\n")
endforeach()
file(WRITE "${PROJECT_BINARY_DIR}/layout_links.txt" "${_fulcrum_layout}")
