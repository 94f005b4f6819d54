//! Profiling aid (not a benchmark): ingest one bench catalogue from its JSON bytes, repeatedly.
use tailor::core::catalogue::CatalogueBuilder;
fn main() {
    let size = std::env::args().nth(1).unwrap_or("10k".into());
    let text = std::fs::read(format!("target/bench/catalogue-{size}.json")).unwrap();
    let mut best = f64::MAX;
    for _ in 0..200 {
        let t = std::time::Instant::now();
        let mut b = CatalogueBuilder::new(text.len() / 256, &[]);
        tailor::core::catalogue_json::read(&text, &mut b, &|s| s.parse().unwrap()).unwrap();
        let (c, _) = b.finish();
        assert!(!c.is_empty());
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("{size}: best of 200: {best:.2} ms");
}
