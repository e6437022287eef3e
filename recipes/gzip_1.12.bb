# GNU gzip.
#
# Upstream sha256 of gzip-1.12.tar.xz taken from an independent record: Termux's gzip
# build.sh (TERMUX_PKG_SHA256) and Chromebrew's gzip package list the same sum. Debian's
# gzip_1.12.orig.tar.xz is byte-identical (site.conf).
SUMMARY = "GNU zip compression utilities"
HOMEPAGE = "https://www.gnu.org/software/gzip/"
BUGTRACKER = "https://debbugs.gnu.org/cgi/pkgreport.cgi?package=gzip"
LICENSE = "GPL-3.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=d32239bcb673463ab874e80d47fae504"

SRC_URI = "${GNU_MIRROR}/gzip/gzip-${PV}.tar.xz"
SRC_URI[sha256sum] = "ce5e03e519f637e1f814011ace35c4f87b33c0bbabeec35baf5fbd3479e91956"
