//! One test per processor a buyer of an old server would ask about: the
//! generation found, and the HVM/HAP answers the real pipeline gives.

use super::*;
use crate::model::Verdict;

fn ask(query: &str) -> CpuAnswer {
    let knowledge = Knowledge::builtin();
    match answer(query, knowledge, knowledge.default_target()) {
        Ok(answer) => answer,
        Err(error) => panic!("{query}: {error}"),
    }
}

fn yes_no(answer: &CpuAnswer, key: &str) -> Answer {
    answer
        .feature(key)
        .map(|f| f.answer)
        .unwrap_or(Answer::Unknown)
}

fn verdict(answer: &CpuAnswer, target: &str) -> Option<Verdict> {
    answer.targets.get(target).map(|t| t.verdict)
}

/// Core-microarchitecture Xeons: VT-x but no EPT, so upstream Xen runs with
/// shadow paging (limited) and XCP-ng 8.3 refuses to install.
fn assert_vtx_without_ept(answer: &CpuAnswer, generation: &str) {
    assert_eq!(answer.generation.id, generation);
    assert_eq!(yes_no(answer, "long_mode"), Answer::Yes);
    assert_eq!(yes_no(answer, "hvm"), Answer::Yes);
    assert_eq!(yes_no(answer, "hap"), Answer::No);
    assert_eq!(verdict(answer, "xen"), Some(Verdict::Limited));
    assert_eq!(verdict(answer, "xcp-ng-8.3"), Some(Verdict::NotSuitable));
    assert!(answer
        .targets
        .get("xcp-ng-8.3")
        .is_some_and(|t| t.blockers.iter().any(|b| b == "hap-unsupported")));
}

#[test]
fn xeon_5160_is_woodcrest() {
    assert_vtx_without_ept(&ask("Xeon 5160"), "woodcrest");
}

#[test]
fn e5345_is_clovertown() {
    assert_vtx_without_ept(&ask("E5345"), "clovertown");
}

#[test]
fn e5430_is_harpertown() {
    assert_vtx_without_ept(&ask("Intel(R) Xeon(R) CPU E5430 @ 2.66GHz"), "harpertown");
}

#[test]
fn x5570_is_nehalem_ep_with_ept_without_unrestricted_guest() {
    let a = ask("Intel(R) Xeon(R) CPU X5570 @ 2.93GHz");
    assert_eq!(a.generation.id, "nehalem-ep");
    assert_eq!(yes_no(&a, "hvm"), Answer::Yes);
    assert_eq!(yes_no(&a, "hap"), Answer::Yes);
    assert_eq!(yes_no(&a, "unrestricted_guest"), Answer::No);
    // Every X55xx has hyper-threading: the brand rule says so.
    assert_eq!(yes_no(&a, "smt"), Answer::Yes);
    // Nothing is read from a machine: every line is an inference.
    for feature in &a.features {
        assert!(feature.inferred);
        assert!(
            feature.evidence.iter().any(|e| e.contains("inferred")),
            "{}: {:?}",
            feature.key,
            feature.evidence
        );
    }
    assert_ne!(verdict(&a, "xcp-ng-8.3"), Some(Verdict::NotSuitable));
}

#[test]
fn x5650_is_westmere_ep_with_ept_and_unrestricted_guest() {
    let a = ask("X5650");
    assert_eq!(a.generation.id, "westmere-ep");
    assert_eq!(yes_no(&a, "hap"), Answer::Yes);
    assert_eq!(yes_no(&a, "unrestricted_guest"), Answer::Yes);
}

#[test]
fn e5_2670_is_sandy_bridge_ep() {
    let a = ask("E5-2670");
    assert_eq!(a.generation.id, "sandy-bridge-ep");
    assert_eq!(yes_no(&a, "hvm"), Answer::Yes);
    assert_eq!(yes_no(&a, "hap"), Answer::Yes);
    assert_eq!(yes_no(&a, "unrestricted_guest"), Answer::Yes);
}

#[test]
fn e5_2680_v2_is_ivy_bridge_ep() {
    let a = ask("E5-2680 v2");
    assert_eq!(a.generation.id, "ivy-bridge-ep");
    assert_eq!(yes_no(&a, "hap"), Answer::Yes);
}

#[test]
fn irwindale_is_64_bit_without_vt_x() {
    let a = ask("Xeon Irwindale 3.0 GHz");
    assert_eq!(a.generation.id, "irwindale");
    assert_eq!(yes_no(&a, "long_mode"), Answer::Yes);
    assert_eq!(yes_no(&a, "hvm"), Answer::No);
    assert_eq!(verdict(&a, "xen"), Some(Verdict::Limited));
    assert_eq!(verdict(&a, "xcp-ng-8.3"), Some(Verdict::NotSuitable));
    assert_eq!(verdict(&a, "xenserver-8"), Some(Verdict::NotSuitable));
}

#[test]
fn opteron_248_has_no_amd_v() {
    let a = ask("Opteron 248");
    assert_eq!(a.generation.id, "k8-opteron");
    assert_eq!(yes_no(&a, "long_mode"), Answer::Yes);
    assert_eq!(yes_no(&a, "hvm"), Answer::No);
    assert_eq!(yes_no(&a, "smt"), Answer::No);
}

#[test]
fn opteron_2218_has_amd_v_without_npt() {
    let a = ask("Opteron 2218");
    assert_eq!(a.generation.id, "k8-rev-f");
    assert_eq!(yes_no(&a, "hvm"), Answer::Yes);
    assert_eq!(yes_no(&a, "hap"), Answer::No);
    assert_eq!(verdict(&a, "xcp-ng-8.3"), Some(Verdict::NotSuitable));
}

#[test]
fn opteron_2356_is_barcelona_with_npt() {
    let a = ask("Quad-Core AMD Opteron(tm) Processor 2356");
    assert_eq!(a.generation.id, "barcelona");
    assert_eq!(yes_no(&a, "hvm"), Answer::Yes);
    assert_eq!(yes_no(&a, "hap"), Answer::Yes);
}

#[test]
fn opteron_6174_is_magny_cours_with_npt() {
    let a = ask("AMD Opteron(tm) Processor 6174");
    assert_eq!(a.generation.id, "magny-cours");
    assert_eq!(yes_no(&a, "hvm"), Answer::Yes);
    assert_eq!(yes_no(&a, "hap"), Answer::Yes);
}

#[test]
fn the_answer_holds_every_target() {
    let a = ask("X5570");
    let ids: Vec<&str> = a.targets.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "xen",
            "xenserver-6.5",
            "xenserver-8",
            "citrix-hypervisor-8.2",
            "xcp-ng-8.2",
            "xcp-ng-8.3"
        ]
    );
    assert!(a
        .depends_on_platform
        .iter()
        .any(|d| d.contains("5500/5520")));
}

#[test]
fn the_synthesised_machine_resolves_to_the_matched_generation() {
    let knowledge = Knowledge::builtin();
    for query in [
        "X5570",
        "5160",
        "Irwindale",
        "Opteron 248",
        "EPYC 7502",
        "Gold 6148",
        "Beckton",
    ] {
        let found = lookup(&knowledge.generations, query).expect(query);
        let facts = found.facts();
        let identified = knowledge
            .generations
            .identify(&crate::assess::inference::identity(&facts))
            .expect(query);
        let ids: Vec<&str> = identified
            .generations
            .iter()
            .map(|g| g.id.as_str())
            .collect();
        assert_eq!(ids, [found.generation.id.as_str()], "{query}");
    }
}

#[test]
fn unknown_queries_get_suggestions() {
    let knowledge = Knowledge::builtin();
    match lookup(&knowledge.generations, "Irwindail") {
        Err(LookupError::Unknown { suggestions, .. }) => {
            assert!(
                suggestions.iter().any(|s| s == "Irwindale"),
                "{suggestions:?}"
            );
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert!(matches!(
        lookup(&knowledge.generations, "  "),
        Err(LookupError::Empty)
    ));
    assert!(lookup(&knowledge.generations, "Pentium MMX 233").is_err());
}

#[test]
fn model_numbers_and_codenames_resolve() {
    let knowledge = Knowledge::builtin();
    let id = |q: &str| {
        lookup(&knowledge.generations, q)
            .map(|m| m.generation.id.clone())
            .unwrap_or_else(|e| format!("error: {e}"))
    };
    assert_eq!(id("W3520"), "bloomfield");
    assert_eq!(id("L5420"), "harpertown");
    assert_eq!(id("E7-4870"), "westmere-ex");
    assert_eq!(id("E7-4890 v2"), "ivy-bridge-ex");
    assert_eq!(id("E3-1230 v5"), "skylake-client");
    assert_eq!(id("Platinum 8380H"), "cooper-lake");
    assert_eq!(id("Platinum 8380"), "ice-lake-sp");
    assert_eq!(id("Intel(R) Xeon(R) Gold 6154 CPU @ 3.00GHz"), "skylake-sp");
    assert_eq!(id("INTEL(R) XEON(R) PLATINUM 8592+"), "emerald-rapids");
    assert_eq!(id("Xeon 6980P"), "granite-rapids");
    assert_eq!(id("Xeon 6780E"), "sierra-forest");
    assert_eq!(id("Opteron 2378"), "shanghai");
    assert_eq!(id("Opteron 2431"), "istanbul");
    assert_eq!(id("Opteron 4176"), "lisbon");
    assert_eq!(id("Opteron 6274"), "bulldozer");
    assert_eq!(id("Opteron 6380"), "piledriver");
    assert_eq!(id("AMD EPYC 7551P 32-Core Processor"), "naples");
    assert_eq!(id("EPYC 7763"), "milan");
    assert_eq!(id("EPYC 9654"), "genoa");
    assert_eq!(id("EPYC 9754"), "bergamo");
    assert_eq!(id("EPYC 9965"), "turin");
    assert_eq!(id("Magny-Cours"), "magny-cours");
    assert_eq!(id("Dempsey"), "dempsey");
    assert_eq!(id("Celeron 420"), "conroe-l");
}

#[test]
fn garbage_queries_never_panic() {
    let knowledge = Knowledge::builtin();
    let mut seed: u32 = 0x1234_5678;
    for _ in 0..200 {
        let mut query = String::new();
        for _ in 0..(seed % 24) {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            query.push(char::from_u32(32 + (seed >> 24) % 95).unwrap_or(' '));
        }
        let _ = lookup(&knowledge.generations, &query);
    }
}
