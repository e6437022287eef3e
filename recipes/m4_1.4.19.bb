# GNU m4, built against libsigsegv from this set (not from the base, which has no libsigsegv).
#
# Upstream sha256 of m4-1.4.19.tar.xz taken from an independent record: KDE Craft's m4
# blueprint (targetDigests["1.4.19"]) and Chimera Linux's cports template list the same sum.
# Debian's m4_1.4.19.orig.tar.xz is byte-identical (site.conf). OpenEmbedded-core fetches the
# .tar.gz of the same release (sha256 3be4a26d...), a different file.
SUMMARY = "Traditional Unix macro processor"
HOMEPAGE = "https://www.gnu.org/software/m4/"
BUGTRACKER = "https://savannah.gnu.org/bugs/?group=m4"
LICENSE = "GPL-3.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=1ebbd3e34237af26da5dc08a4e440464 \
                    file://examples/COPYING;md5=4031593b2166d6c47cae282d944a7ede"

SRC_URI = "${GNU_MIRROR}/m4/m4-${PV}.tar.xz"
SRC_URI[sha256sum] = "63aede5c6d33b6d9b13511cd0be2cac046f2e70fd0a07aa9573a04a82783af96"

DEPENDS = "libsigsegv"
RDEPENDS = "libsigsegv"

# Since 1.4.19 (gnulib's sigsegv module) m4 uses libsigsegv only when asked to, and with
# --with-libsigsegv alone a build root without the library silently falls back to gnulib's
# own stack-overflow code. LIBS: m4 1.4.19's configure sets LIBCSTACK (what src/ links for
# c-stack) before it looks for libsigsegv, so LIBCSTACK stays empty and the link of m4 fails
# with undefined sigsegv_install_handler; naming the library in LIBS links it, and makes
# configure fail at once ("C compiler cannot create executables") when the build root lacks
# it, instead of quietly building without it.
EXTRA_OECONF = "--with-libsigsegv LIBS=-lsigsegv"
