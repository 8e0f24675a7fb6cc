# Finds LBFGS++ (header-only, on Eigen; Debian's package liblbfgspp-dev puts LBFGS.h in /usr/include).
# Sets LBFGSpp_FOUND and LBFGSPP_INCLUDE_DIR and defines the imported target LBFGSpp::LBFGSpp.
find_path(LBFGSPP_INCLUDE_DIR NAMES LBFGS.h PATH_SUFFIXES LBFGSpp/include
          DOC "The folder holding LBFGS.h of LBFGS++")
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LBFGSpp
  REQUIRED_VARS LBFGSPP_INCLUDE_DIR
  REASON_FAILURE_MESSAGE
    "LBFGS++ (header-only) is needed to fit the lifetime-value models: install Debian's liblbfgspp-dev (apt-get install liblbfgspp-dev) or pass -DLBFGSPP_INCLUDE_DIR=<folder holding LBFGS.h>")
if(LBFGSpp_FOUND AND NOT TARGET LBFGSpp::LBFGSpp)
  add_library(LBFGSpp::LBFGSpp INTERFACE IMPORTED)
  set_target_properties(LBFGSpp::LBFGSpp PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${LBFGSPP_INCLUDE_DIR}")
endif()
mark_as_advanced(LBFGSPP_INCLUDE_DIR)
