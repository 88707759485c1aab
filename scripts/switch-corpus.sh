#!/usr/bin/env bash
# One-off, for the integrator: run once on main after the corpus branch is
# merged, review the diff, commit, then delete this script.
#
# 1. Every `../shared/fixtures` reference in src/, tests/ and README.md now
#    points at the repository's own copy, tests/corpus.
# 2. Test helpers that passed silently when the fixtures were missing (an
#    unreadable folder read as empty, a CI-only assertion, an empty seed)
#    fail instead, naming the path.
#
# Each edit states how many places it expects to change; if the code moved
# on since this script was written, it says which edit found nothing and
# exits 1 (the other edits are still applied: finish that one by hand).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -f tests/corpus/SHA256SUMS ]] || {
    echo "switch-corpus: tests/corpus/SHA256SUMS missing: merge the corpus first" >&2
    exit 1
}

failed=0

# edit FILE EXPECTED PERL-SUBSTITUTION: applies a whole-file substitution
# (perl -0777, so patterns may span lines) and checks it matched EXPECTED
# times.
edit() {
    local file=$1 expected=$2 expr=$3 count
    if [[ ! -f $file ]]; then
        echo "switch-corpus: $file: no such file" >&2
        failed=1
        return
    fi
    count=$(EXPR="$expr" perl -0777 -i -ne '
        my $n = eval "\$_ =~ $ENV{EXPR}"; die $@ if $@;
        print;
        print STDERR ($n || 0), "\n";
    ' "$file" 2>&1 >/dev/null | tail -n 1)
    # perl -i writes the file from print; the count goes to stderr.
    if [[ $count != "$expected" ]]; then
        echo "switch-corpus: $file: expected $expected change(s), made ${count:-0}: $expr" >&2
        failed=1
    fi
}

# --- 2. silent skips become failures (before the paths change, so the
# patterns still read as they do on main) -------------------------------

# A fixture folder that cannot be read is an error, not an empty list.
read_dir_or_fail='s{let Ok\(entries\) = std::fs::read_dir\(dir\) else \{\s*return;\s*\};}{let entries = std::fs::read_dir(dir)\n        .unwrap_or_else(|e| panic!("{}: {e}", std::path::Path::new(dir).display()));}g'
edit src/knowledge/mod.rs 1 "$read_dir_or_fail"
edit src/decode/acpi/tests.rs 1 "$read_dir_or_fail"
edit tests/integration/corpus.rs 1 "$read_dir_or_fail"

# The corpus test asserted only under CI=true and otherwise returned.
edit tests/integration/corpus.rs 1 's{fn corpus_root\(\) -> Option<PathBuf> \{\n.*?\n\}\n}{fn corpus_root() -> Option<PathBuf> {
    let root = crate::common::fixtures();
    assert!(
        root.is_dir(),
        "{} is missing: the test corpus is part of the repository",
        root.display()
    );
    Some(root)
}
}s'

# The allocation bound returned early outside CI when the fixtures were absent.
edit tests/alloc_bound.rs 1 's{    if !fixture\(""\)\.exists\(\) \{\n.*?\n    \}\n}{    assert!(
        fixture("").is_dir(),
        "{} is missing: the test corpus is part of the repository",
        fixture("").display()
    );
}s'

# The fuzz seeds read as empty when their fixture was missing, so the
# mutation test fuzzed nothing.
edit tests/integration/fuzz.rs 1 's{std::fs::read\(crate::common::fixtures\(\)\.join\(relative\)\)\.unwrap_or_default\(\)}{let path = crate::common::fixtures().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))}'
# shellcheck disable=SC2016 # $1 is perl's capture, not the shell's
edit tests/integration/fuzz.rs 1 's{let _ = (import::dmidecode_text_file\(.*?\));}{$1\n    .unwrap_or_else(|e| panic!("the seed bundle\x27s fixture: {e}"));}s'

# --- 1. paths -----------------------------------------------------------

mapfile -t files < <(git ls-files src tests README.md | grep -v '^tests/corpus/' |
    xargs grep -l 'shared/fixtures' || true)
for file in "${files[@]}"; do
    perl -0777 -i -pe '
        s{ \(CI lays it out the same way\)}{}g;
        s{`\.\./shared/fixtures` beside the checkout}{The repository\x27s test corpus, `tests/corpus` (see its MANIFEST.md)}g;
        s{\.\./shared/fixtures must sit beside the checkout}{the repository\x27s tests/corpus is incomplete}g;
        s{/\.\./shared/fixtures}{/tests/corpus}g;
        s{\.\./shared/fixtures}{tests/corpus}g;
    ' "$file"
done

left=$(git ls-files src tests README.md | grep -v '^tests/corpus/' | xargs grep -n 'shared/fixtures' || true)
if [[ -n $left ]]; then
    echo "switch-corpus: references left to rewrite by hand:" >&2
    echo "$left" >&2
    failed=1
fi
ci_gates=$(git ls-files src tests | grep -v '^tests/corpus/' | xargs grep -n 'var("CI")' || true)
if [[ -n $ci_gates ]]; then
    echo "switch-corpus: tests still behave differently under CI=true (check each):" >&2
    echo "$ci_gates" >&2
fi

cargo fmt --all
if ((failed)); then
    echo "switch-corpus: done with errors above; fix those by hand" >&2
    exit 1
fi
echo "switch-corpus: ${#files[@]} files now read tests/corpus; review with git diff, then delete this script"
