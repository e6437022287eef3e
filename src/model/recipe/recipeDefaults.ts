/**
 * What every recipe starts from: the part of OE-core's meta/conf/bitbake.conf that a
 * metadata-only recipe can use, with hacktree's fixed sandbox paths (WORKDIR=/build, D=/dest)
 * and no usrmerge (base_bindir=/bin). Parsed by the recipe parser itself, as BitBake parses
 * bitbake.conf. Nothing here may depend on where the workspace is, since build ids hash values.
 */
export const RECIPE_DEFAULTS_FILE = '<hacktree defaults: bitbake.conf>';

export const RECIPE_DEFAULTS = `
baselib = "lib"
base_prefix = ""
prefix = "/usr"
exec_prefix = "\${prefix}"
root_prefix = "\${base_prefix}"
base_bindir = "\${root_prefix}/bin"
base_sbindir = "\${root_prefix}/sbin"
base_libdir = "\${root_prefix}/\${baselib}"
nonarch_base_libdir = "\${root_prefix}/lib"
sysconfdir = "\${base_prefix}/etc"
servicedir = "\${base_prefix}/srv"
sharedstatedir = "\${base_prefix}/com"
localstatedir = "\${base_prefix}/var"
datadir = "\${prefix}/share"
infodir = "\${datadir}/info"
mandir = "\${datadir}/man"
docdir = "\${datadir}/doc"
nonarch_libdir = "\${exec_prefix}/lib"
bindir = "\${exec_prefix}/bin"
sbindir = "\${exec_prefix}/sbin"
libdir = "\${exec_prefix}/\${baselib}"
libexecdir = "\${exec_prefix}/libexec"
includedir = "\${exec_prefix}/include"
oldincludedir = "\${exec_prefix}/include"
localedir = "\${libdir}/locale"

PR = "r0"
PE = ""
P = "\${PN}-\${PV}"
BPN = "\${PN}"
BP = "\${BPN}-\${PV}"
PKGV ?= "\${PV}"
SUMMARY ?= "\${PN} version \${PV}-\${PR}"
DESCRIPTION ?= "\${SUMMARY}."
LICENSE ??= "INVALID"
HOMEPAGE = ""
SECTION = "base"
DEPENDS = ""
RDEPENDS = ""

WORKDIR = "/build"
S = "\${WORKDIR}/\${BP}"
B = "\${S}"
D = "/dest"

GNU_MIRROR = "https://ftp.gnu.org/gnu"
SAVANNAH_GNU_MIRROR = "https://download.savannah.gnu.org/releases"
SAVANNAH_NONGNU_MIRROR = "https://download.savannah.nongnu.org/releases"
KERNELORG_MIRROR = "https://cdn.kernel.org/pub"
SOURCEFORGE_MIRROR = "https://downloads.sourceforge.net"
APACHE_MIRROR = "https://archive.apache.org/dist"
GNOME_MIRROR = "https://download.gnome.org/sources"
GNUPG_MIRROR = "https://www.gnupg.org/ftp/gcrypt"
DEBIAN_MIRROR = "http://ftp.debian.org/debian/pool"
XORG_MIRROR = "https://www.x.org/releases"

PREMIRRORS ?= ""
MIRRORS ?= ""
EXTRA_OECONF = ""
EXTRA_OEMAKE = ""
SRC_URI = ""
`;
