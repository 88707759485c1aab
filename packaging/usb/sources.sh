#!/bin/sh
# Writes the source list for the third-party programs a build puts on the
# stick (GPL and others): for each file given, the Debian binary package it
# came from, that package's source package and version as installed on the
# build machine, and where that exact source is found. Also copies each
# package's Debian copyright file into DIR.
#
# usage: packaging/usb/sources.sh SOURCES.txt COPYRIGHT-DIR ROLE=FILE...
#   ROLE names the part for a reader ("kernel", "busybox", ...); FILE is a
#   path on the build machine that the stick carries or was built from.
# Fails when a FILE belongs to no installed package: its source could not be
# named, and the stick must not ship it unnamed.
set -eu

[ $# -ge 3 ] || { echo "sources.sh: usage: sources.sh SOURCES.txt COPYRIGHT-DIR ROLE=FILE..." >&2; exit 2; }
list=$1
copyrights=$2
shift 2
mkdir -p "$copyrights"

# The binary package that installed FILE. With merged /usr, dpkg may know the
# file under /bin or under /usr/bin, so both spellings are asked.
owner() {
    for candidate in "$1" "/usr$1" "${1#/usr}" "$(readlink -f "$1" 2>/dev/null || true)"; do
        [ -n "$candidate" ] || continue
        # "pkg: path", "pkg:arch: path" or "pkg1, pkg2: path"; diversions first.
        found=$(dpkg-query -S "$candidate" 2>/dev/null | grep -v '^diversion ' | head -n 1 | sed 's/[:,].*//')
        [ -n "$found" ] && { echo "$found"; return 0; }
    done
    return 1
}

# Debian's pool folder for a source package: lib* packages are filed under
# their first four letters, all others under the first.
pool() {
    case $1 in
        lib?*) echo "pool/main/$(echo "$1" | cut -c1-4)/$1" ;;
        *) echo "pool/main/$(echo "$1" | cut -c1)/$1" ;;
    esac
}

{
    echo "Source code of the third-party programs on this stick"
    echo "======================================================"
    echo
    echo "xenready itself is MIT OR Apache-2.0 (LICENSES/LICENSE-MIT, LICENSES/LICENSE-APACHE);"
    echo "its source is the xenready repository at the version the stick's xenready --version prints."
    echo
    echo "Every other program here is taken unmodified from Debian binary packages. Each is"
    echo "listed with the Debian source package and the exact version it was built from; that"
    echo "source is in the Debian archive, fetched with 'apt-get source NAME=VERSION' or from"
    echo "the archive path given (the Debian snapshot archive keeps every version ever released)."
    echo "Their licences are in LICENSES/ (GPL-2, GPL-3) and each package's Debian copyright"
    echo "file in LICENSES/debian/."
    echo
} >"$list"

seen=
for pair in "$@"; do
    role=${pair%%=*}
    file=${pair#*=}
    [ "$role" != "$pair" ] || { echo "sources.sh: $pair is not ROLE=FILE" >&2; exit 2; }
    package=$(owner "$file") || { echo "sources.sh: $file ($role) belongs to no installed Debian package" >&2; exit 1; }
    fields=$(dpkg-query -W -f='${Version}\t${source:Package}\t${source:Version}' "$package")
    version=$(echo "$fields" | cut -f1)
    source=$(echo "$fields" | cut -f2)
    source_version=$(echo "$fields" | cut -f3)
    # The .dsc file name carries the version without its epoch.
    dsc=$(pool "$source")/${source}_${source_version#*:}.dsc
    {
        echo "$role: $file"
        echo "  binary package: $package $version"
        echo "  source package: $source $source_version"
        echo "  source:         apt-get source $source=$source_version"
        echo "                  Debian archive $dsc"
        echo
    } >>"$list"
    case " $seen " in
        *" $package "*) ;;
        *)
            seen="$seen $package"
            if [ -f "/usr/share/doc/$package/copyright" ]; then
                cp "/usr/share/doc/$package/copyright" "$copyrights/$package.copyright"
            else
                echo "sources.sh: /usr/share/doc/$package/copyright missing" >&2
                exit 1
            fi
            ;;
    esac
done
