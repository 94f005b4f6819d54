//! Native timings of the benchmark's steps (ingest, full order, top 48) at the release
//! profile, to tell the core's own cost from the browser boundary's. Not a test.
//! `cargo run --release --example native_timing` (after make-bench-catalogues).

use std::time::Instant;
use tailor::core::engine::{Config, ConfigInput};
use tailor::core::{
    ConsentChange, Engine, EventInput, ItemInput, MemoryStore, RankRequest, Source,
};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let sizes = std::env::var("SIZES").unwrap_or("1k 10k 92k".into());
    let reps: usize = std::env::var("REPS").map_or(21, |r| r.parse().unwrap());
    for size in sizes.split(' ') {
        let text = std::fs::read_to_string(format!("target/bench/catalogue-{size}.json")).unwrap();
        let scenario: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("target/bench/scenario-{size}.json")).unwrap(),
        )
        .unwrap();
        let now = scenario["clock"].as_i64().unwrap();
        let t = Instant::now();
        let items: Vec<ItemInput> = serde_json::from_str(&text).unwrap();
        let parse = t.elapsed().as_secs_f64() * 1e3;
        let config = Config::new(ConfigInput {
            shop: Some("bench".into()),
            policy_version: Some("1".into()),
            ..Default::default()
        })
        .unwrap();
        let mut e = Engine::open(config, Some(MemoryStore::default()), None, false, now);
        e.set_consent(
            &ConsentChange {
                personalization: Some(true),
                ..Default::default()
            },
            Source::Api,
            now,
        );
        let mut ingest = Vec::new();
        for _ in 0..5 {
            let copy = items.clone();
            let t = Instant::now();
            e.load_catalogue(copy);
            ingest.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let mut from_json = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let mut b = e.catalogue_builder(0);
            tailor::core::catalogue_json::read(text.as_bytes(), &mut b, &|s| s.parse().unwrap())
                .unwrap();
            let summary = e.use_catalogue(b);
            from_json.push(t.elapsed().as_secs_f64() * 1e3);
            assert!(summary.loaded > 0);
        }
        println!(
            "{size}: ingest from the JSON bytes {:.1} ms",
            median(from_json)
        );
        for ev in scenario["events"].as_array().unwrap() {
            let input: EventInput = serde_json::from_value(ev.clone()).unwrap();
            let _ = e.track(input, now);
        }
        let page: Vec<String> = scenario["page"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let page_req = RankRequest {
            items: Some(page),
            limit: Some(48.0),
            ..Default::default()
        };
        let mut paged = Vec::new();
        let mut full = Vec::new();
        let mut order = Vec::new();
        let mut top = Vec::new();
        // ONLY=page times (and lets a profiler see) the 500-item page alone.
        let only_page = std::env::var("ONLY").is_ok_and(|v| v == "page");
        for _ in 0..reps {
            if only_page {
                e.rank(&page_req, now).unwrap();
                continue;
            }
            let t = Instant::now();
            let o = e
                .rank_order(&tailor::core::OrderRequest::default(), now)
                .unwrap();
            order.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(o.len(), e.catalogue().unwrap().len());
            let t = Instant::now();
            e.rank(&RankRequest::default(), now).unwrap();
            full.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            e.rank(&page_req, now).unwrap();
            paged.push(t.elapsed().as_secs_f64() * 1e3);
            let req = RankRequest {
                limit: Some(48.0),
                ..Default::default()
            };
            let t = Instant::now();
            e.rank(&req, now).unwrap();
            top.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "{size}: serde_json parse {parse:.1} ms; ingest {:.1} ms; order {:.2} ms; rank full {:.2} ms; top48 {:.3} ms; page of 500, top 48 {:.3} ms",
            median(ingest), median(order), median(full), median(top), median(paged)
        );
    }
}
