# GNU libsigsegv: the library of the set. m4 builds against its -devel artifact (DEPENDS).
#
# Upstream sha256 taken from an independent record of the GNU release: Spack's libsigsegv
# package (version("2.14", sha256=...)) and Tigerbrew's libsigsegv formula at 2.14 carry the
# same sum. Debian's libsigsegv_2.14.orig.tar.gz has it too: byte-identical (site.conf).
SUMMARY = "Library for handling page faults in user mode"
HOMEPAGE = "https://www.gnu.org/software/libsigsegv/"
BUGTRACKER = "https://savannah.gnu.org/projects/libsigsegv/"
LICENSE = "GPL-2.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=a4e436f29b73fbaa5360691ba7fcbd8c"

SRC_URI = "${GNU_MIRROR}/libsigsegv/libsigsegv-${PV}.tar.gz"
SRC_URI[sha256sum] = "cdac3941803364cf81a908499beb79c200ead60b6b5b40cad124fd1e06caa295"

# libsigsegv builds only a static library unless asked; a shared one is what a -runtime
# artifact carries and what m4 then links dynamically (readelf -d shows libsigsegv.so.2).
EXTRA_OECONF = "--enable-shared --disable-static"
