//! Offline replay evaluation of Tailor's ranking on the real data in ../shared/data.
//!
//! Protocol: the interactions of a data set are split at the 0.8 quantile of their
//! times. The shop's server side — `popularity` (distinct users) and `related` lists
//! (co-occurrence in households or sessions, cosine) — is computed from training-period
//! data of all users only, as a shop's server would. For each user with training
//! events, the target is their first test-period purchase, ranked with only that user's
//! events before it (replayed through the same core code the browser runs, with consent
//! granted). Full ranking over two candidate sets, no sampled negatives: "all" (every
//! item with a training-period event) and "page" (those in the target's top-level
//! category, as a shop's category page). Targets that have no training event cannot be
//! ranked by anyone and are left out (counted in the table).
//!
//! Usage: evaluate [DATA_DIR] [OUT_MARKDOWN]   (defaults: ../shared/data docs/evaluation.md)

#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    tool::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod tool {
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
    use std::fmt::Write as _;
    use std::path::PathBuf;
    use tailor::core::engine::{Config, ConfigInput};
    use tailor::core::ranking::{OrderRequest, Weights, WEIGHTS};
    use tailor::core::{
        ConsentChange, Engine, EventInput, EventKind, ItemInput, MemoryStore, RankRequest, Source,
    };
    use tailor::dataset::{
        complete_journey_interactions, rees46_interactions, Interaction, ItemMeta,
    };

    /// Length of the server's `related` lists, as the demo catalogue sends them.
    const RELATED: usize = 10;
    /// Neighbours the server-side item-kNN reference keeps per item (it sees far more).
    const KNN_NEIGHBOURS: usize = 200;
    const K: usize = 10;

    /// Which events end the training history and which one is the target.
    #[derive(Clone, Copy, PartialEq)]
    enum Target {
        FirstPurchase,
        /// Extra, for REES46 whose test period has few purchases: the first test-period event.
        FirstEvent,
    }

    struct Setup {
        name: &'static str,
        target: Target,
        /// Fewer shared groups than this is noise, not "goes together".
        min_co: u32,
    }

    #[derive(Default, Clone)]
    struct Score {
        n: usize,
        hits: usize,
        ndcg: f64,
        rr: f64,
        top: HashSet<u32>,
    }

    impl Score {
        fn add(&mut self, rank: usize, top: &[u32]) {
            self.n += 1;
            if rank <= K {
                self.hits += 1;
                self.ndcg += 1.0 / ((rank + 1) as f64).log2();
            }
            self.rr += 1.0 / rank as f64;
            self.top.extend(top.iter().copied());
        }
        fn row(&self, name: &str, catalogue: usize) -> String {
            let n = self.n.max(1) as f64;
            // A method that only yields its top K has no rank below it: no MRR.
            let mrr = if name.contains("exploration") {
                "—".to_owned()
            } else {
                format!("{:.4}", self.rr / n)
            };
            format!(
                "| {name} | {} | {:.3} | {:.4} | {mrr} | {:.1} % |",
                self.n,
                self.hits as f64 / n,
                self.ndcg / n,
                100.0 * self.top.len() as f64 / catalogue.max(1) as f64
            )
        }
        fn ndcg(&self) -> f64 {
            self.ndcg / self.n.max(1) as f64
        }
    }

    /// Rank (1-based) of `target` among `cands` under `score` (higher first), ties by the
    /// server's order, and the top K.
    fn rank_by(
        cands: &[u32],
        target: u32,
        server_rank: &[u32],
        score: impl Fn(u32) -> f32,
    ) -> (usize, Vec<u32>) {
        let key = |i: u32| (score(i), std::cmp::Reverse(server_rank[i as usize]));
        let t = key(target);
        let rank = 1 + cands
            .iter()
            .filter(|&&i| {
                i != target && key(i).partial_cmp(&t) == Some(std::cmp::Ordering::Greater)
            })
            .count();
        let mut scored: Vec<(f32, u32)> = cands.iter().map(|&i| (score(i), i)).collect();
        let by = |a: &(f32, u32), b: &(f32, u32)| {
            b.0.total_cmp(&a.0)
                .then(server_rank[a.1 as usize].cmp(&server_rank[b.1 as usize]))
        };
        if scored.len() > K {
            scored.select_nth_unstable_by(K - 1, by);
            scored.truncate(K);
        }
        scored.sort_unstable_by(by);
        (rank, scored.into_iter().map(|s| s.1).collect())
    }

    struct Results {
        /// method → (all, page)
        methods: BTreeMap<String, (Score, Score)>,
        order: Vec<String>,
        reasons_true: usize,
        reasons_total: usize,
        users: usize,
        excluded: usize,
        items: usize,
    }

    impl Results {
        fn add(&mut self, method: &str, all: (usize, Vec<u32>), page: (usize, Vec<u32>)) {
            if !self.methods.contains_key(method) {
                self.order.push(method.to_owned());
            }
            let e = self.methods.entry(method.to_owned()).or_default();
            e.0.add(all.0, &all.1);
            e.1.add(page.0, &page.1);
        }
    }

    fn top_level(path: &str) -> &str {
        path.split('/').next().unwrap_or(path)
    }

    fn run(
        setup: &Setup,
        mut events: Vec<Interaction>,
        meta: &HashMap<String, ItemMeta>,
    ) -> Results {
        events.sort_by(|a, b| a.at.cmp(&b.at).then(a.user.cmp(&b.user)));
        let cut = events[(events.len() as f64 * 0.8) as usize].at;
        let train: Vec<&Interaction> = events.iter().filter(|e| e.at < cut).collect();

        // ---- the server side: training-period data of all users ----
        let ids: Vec<&str> = train
            .iter()
            .map(|e| e.item.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as u32))
            .collect();
        let mut users_of: Vec<HashSet<&str>> = vec![HashSet::new(); ids.len()];
        let mut groups: HashMap<&str, BTreeSet<u32>> = HashMap::new();
        for e in &train {
            let i = index[e.item.as_str()];
            users_of[i as usize].insert(&e.user);
            groups.entry(&e.group).or_default().insert(i);
        }
        let mut co: HashMap<(u32, u32), u32> = HashMap::new();
        for items in groups.values() {
            let v: Vec<u32> = items.iter().copied().collect();
            for (a, &x) in v.iter().enumerate() {
                for &y in &v[a + 1..] {
                    *co.entry((x, y)).or_default() += 1;
                }
            }
        }
        let mut group_count = vec![0u32; ids.len()];
        for items in groups.values() {
            for &i in items {
                group_count[i as usize] += 1;
            }
        }
        let mut neighbours: Vec<Vec<(f32, u32)>> = vec![Vec::new(); ids.len()];
        for (&(a, b), &n) in &co {
            let sim =
                n as f32 / ((group_count[a as usize] * group_count[b as usize]) as f32).sqrt();
            neighbours[a as usize].push((sim, b));
            neighbours[b as usize].push((sim, a));
            let _ = n;
        }
        let co_of = |a: u32, b: u32| co.get(&(a.min(b), a.max(b))).copied().unwrap_or(0);
        // Repurchase share per (deepest) category: of the users who bought in it during
        // training, how many bought in it more than once — the server's aggregate.
        let mut buys: HashMap<(&str, &str), u32> = HashMap::new();
        for e in train.iter().filter(|e| e.kind == EventKind::Purchase) {
            let c = meta.get(&e.item).map_or("", |m| m.category.as_str());
            *buys.entry((c, e.user.as_str())).or_default() += 1;
        }
        let mut per_category: HashMap<&str, (u32, u32)> = HashMap::new();
        for ((c, _), n) in &buys {
            let e = per_category.entry(c).or_default();
            e.0 += 1;
            e.1 += u32::from(*n > 1);
        }
        // Fewer buyers than this say nothing: treated as a consumable (the default).
        let repurchase = |c: &str| {
            per_category
                .get(c)
                .filter(|(buyers, _)| *buyers >= 5)
                .map(|(b, again)| f64::from(*again) / f64::from(*b))
        };
        for (a, list) in neighbours.iter_mut().enumerate() {
            list.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            list.truncate(KNN_NEIGHBOURS);
            let _ = a;
        }
        let items: Vec<ItemInput> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let m = meta.get(*id).cloned().unwrap_or_default();
                let related = neighbours[i]
                    .iter()
                    .filter(|(_, j)| co_of(i as u32, *j) >= setup.min_co)
                    .take(RELATED)
                    .map(|(_, j)| ids[*j as usize].to_string())
                    .collect();
                ItemInput {
                    id: Some(id.to_string()),
                    // The title is the id, so a reason's cited item can be checked.
                    title: Some(id.to_string()),
                    category: Some(m.category),
                    brand: (!m.brand.is_empty()).then_some(m.brand),
                    price: (m.price > 0.0).then_some(m.price),
                    popularity: Some(users_of[i].len() as f64),

                    related: Some(related),
                    ..Default::default()
                }
            })
            .collect();
        // The same catalogue with the server's repurchase shares, measured separately.
        let items_with_repurchase: Vec<ItemInput> = items
            .iter()
            .map(|i| ItemInput {
                repurchase: repurchase(i.category.as_deref().unwrap_or("")),
                ..i.clone()
            })
            .collect();
        let category_of: Vec<String> = items
            .iter()
            .map(|i| i.category.clone().unwrap_or_default())
            .collect();

        let config = Config::new(ConfigInput {
            shop: Some("eval".into()),
            policy_version: Some("1".into()),
            ..Default::default()
        })
        .unwrap();
        let mut engine: Engine<MemoryStore> =
            Engine::open(config.clone(), Some(MemoryStore::new()), None, false, 0);
        let mut engine_r: Engine<MemoryStore> =
            Engine::open(config, Some(MemoryStore::new()), None, false, 0);
        engine_r.load_catalogue(items_with_repurchase);
        engine.load_catalogue(items);
        let server_rank = engine.catalogue().unwrap().server_rank.clone();
        let all: Vec<u32> = (0..ids.len() as u32).collect();
        let mut pages: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, c) in category_of.iter().enumerate() {
            pages.entry(top_level(c)).or_default().push(i as u32);
        }

        let mut by_user: BTreeMap<&str, Vec<&Interaction>> = BTreeMap::new();
        for e in &events {
            by_user.entry(&e.user).or_default().push(e);
        }
        let mut res = Results {
            methods: BTreeMap::new(),
            order: Vec::new(),
            reasons_true: 0,
            reasons_total: 0,
            users: 0,
            excluded: 0,
            items: ids.len(),
        };
        let ablations: [(&str, fn(&mut Weights)); 7] = [
            ("Tailor − category", |w| w.category = 0.0),
            ("Tailor − brand", |w| w.brand = 0.0),
            ("Tailor − attribute", |w| w.attribute = 0.0),
            ("Tailor − price band", |w| w.price = 0.0),
            ("Tailor − related", |w| w.related = 0.0),
            ("Tailor − repeat", |w| w.repeat = 0.0),
            ("Tailor − recent", |w| w.recent = 0.0),
        ];

        for evs in by_user.values() {
            if !evs.iter().any(|e| e.at < cut) {
                continue;
            }
            let target = evs.iter().find(|e| {
                e.at >= cut && (setup.target == Target::FirstEvent || e.kind == EventKind::Purchase)
            });
            let Some(target) = target else { continue };
            let Some(&t) = index.get(target.item.as_str()) else {
                res.excluded += 1;
                continue;
            };
            res.users += 1;
            let history: Vec<&&Interaction> = evs.iter().filter(|e| e.at < target.at).collect();
            let page = &pages[top_level(&category_of[t as usize])];
            let page_ids: Vec<String> = page.iter().map(|&i| ids[i as usize].to_string()).collect();

            // ---- Tailor: the real engine, replayed ----
            let now = target.at;
            for engine in [&mut engine, &mut engine_r] {
                engine.forget();
                // Granted just before ranking: consent is checked at `now`, events carry their own times.
                engine.set_consent(
                    &ConsentChange {
                        personalization: Some(true),
                        ..Default::default()
                    },
                    Source::Api,
                    now - 1,
                );
                for e in &history {
                    let input = EventInput {
                        kind: Some(e.kind.name().into()),
                        item: Some(e.item.clone()),
                        at: Some(e.at as f64),
                        quantity: matches!(e.kind, EventKind::Cart | EventKind::Purchase)
                            .then_some(f64::from(e.quantity)),
                        ..Default::default()
                    };
                    let _ = engine.track(input, now); // items unseen in training are not in the catalogue
                }
            }
            // Each ranking as (score, index), optionally re-scored: `extra` adds to a score.
            let tailor_with = |engine: &mut Engine<MemoryStore>, extra: &dyn Fn(u32) -> f32| {
                let mut order_all = engine.rank_order(&OrderRequest::default(), now).unwrap();
                let page_req = OrderRequest {
                    items: Some(page_ids.clone()),
                    ..Default::default()
                };
                let mut order_page = engine.rank_order(&page_req, now).unwrap();
                let pos = |o: &mut Vec<(f32, u32)>| {
                    for x in o.iter_mut() {
                        x.0 += extra(x.1);
                    }
                    o.sort_by(|a, b| {
                        b.0.total_cmp(&a.0)
                            .then(server_rank[a.1 as usize].cmp(&server_rank[b.1 as usize]))
                    });
                    let o: Vec<u32> = o.iter().map(|x| x.1).collect();
                    (
                        1 + o.iter().position(|&i| i == t).unwrap(),
                        o[..K.min(o.len())].to_vec(),
                    )
                };
                (pos(&mut order_all), pos(&mut order_page))
            };
            let tailor = |engine: &mut Engine<MemoryStore>| tailor_with(engine, &|_| 0.0);
            let (a, p) = tailor(&mut engine);
            res.add("Tailor (on device)", a, p);
            let (a, p) = tailor(&mut engine_r);
            res.add("Tailor + server repurchase shares (durables sink)", a, p);
            // Context, measured before it is built in: a lift for the aisles (second
            // category level) this shopper bought from at the same time of day (4 dayparts).
            let daypart = |at: i64| (at.rem_euclid(86_400_000) / 21_600_000) as u8;
            let aisle = |i: u32| {
                let c = &category_of[i as usize];
                c.match_indices('/')
                    .nth(1)
                    .map_or(c.as_str(), |(k, _)| &c[..k])
                    .to_owned()
            };
            let same_time: HashSet<String> = history
                .iter()
                .filter(|e| daypart(e.at) == daypart(now))
                .filter_map(|e| index.get(e.item.as_str()).map(|&i| aisle(i)))
                .collect();
            let (a, p) = tailor_with(&mut engine, &|i| {
                if same_time.contains(&aisle(i)) {
                    0.5
                } else {
                    0.0
                }
            });
            res.add("Tailor + daypart context", a, p);
            let weekday = |at: i64| at.div_euclid(86_400_000).rem_euclid(7);
            let same_day: HashSet<String> = history
                .iter()
                .filter(|e| weekday(e.at) == weekday(now))
                .filter_map(|e| index.get(e.item.as_str()).map(|&i| aisle(i)))
                .collect();
            let (a, p) = tailor_with(&mut engine, &|i| {
                if same_day.contains(&aisle(i)) {
                    0.5
                } else {
                    0.0
                }
            });
            res.add("Tailor + weekday context", a, p);
            for (name, off) in ablations {
                let mut w = WEIGHTS;
                off(&mut w);
                engine.set_weights(w);
                let (a, p) = tailor(&mut engine);
                res.add(name, a, p);
            }
            engine.set_weights(WEIGHTS);
            // What exploration costs: 10 % of the top K given to items outside the profile.
            let explored = |engine: &mut Engine<MemoryStore>, items: Option<Vec<String>>| {
                let req = RankRequest {
                    items,
                    limit: Some(K as f64),
                    explore: Some(0.1),
                    ..Default::default()
                };
                let top: Vec<u32> = engine
                    .rank(&req, now)
                    .unwrap()
                    .iter()
                    .filter_map(|r| index.get(r.id.as_str()).copied())
                    .collect();
                (
                    top.iter().position(|&i| i == t).map_or(K + 1, |p| p + 1),
                    top,
                )
            };
            let (a, p) = (
                explored(&mut engine, None),
                explored(&mut engine, Some(page_ids.clone())),
            );
            res.add("Tailor + 10 % exploration", a, p);
            // Reasons must be true: every cited item is in this shopper's history.
            let seen: HashSet<&str> = history.iter().map(|e| e.item.as_str()).collect();
            for r in engine
                .rank(
                    &RankRequest {
                        items: Some(page_ids.clone()),
                        limit: Some(K as f64),
                        ..Default::default()
                    },
                    now,
                )
                .unwrap()
            {
                for reason in &r.reasons {
                    if let Some(rest) = reason.strip_prefix("Because you ") {
                        res.reasons_total += 1;
                        let cited = rest.split_once(' ').map(|x| x.1).unwrap_or("");
                        res.reasons_true += usize::from(seen.contains(cited));
                    } else if let Some(at_least) = match reason.as_str() {
                        "You bought this before" => Some(1),
                        "You have bought this more than once" => Some(2),
                        _ => None,
                    } {
                        res.reasons_total += 1;
                        let bought = history
                            .iter()
                            .filter(|e| e.item == r.id && e.kind == EventKind::Purchase)
                            .count();
                        res.reasons_true += usize::from(bought >= at_least);
                    }
                }
            }

            // ---- baselines ----
            let hist_items: Vec<u32> = history
                .iter()
                .filter_map(|e| index.get(e.item.as_str()).copied())
                .collect();
            let both = |score: &dyn Fn(u32) -> f32| {
                (
                    rank_by(&all, t, &server_rank, score),
                    rank_by(page, t, &server_rank, score),
                )
            };
            let (a, p) = both(&|_| 0.0);
            res.add("Popularity (server order)", a, p);

            let mut last_seen: HashMap<u32, usize> = HashMap::new();
            for (k, &i) in hist_items.iter().enumerate() {
                last_seen.insert(i, k + 1);
            }
            let (a, p) = both(&|i| last_seen.get(&i).map_or(0.0, |&k| k as f32));
            res.add("Recently viewed/bought first", a, p);

            let mut knn: HashMap<u32, f32> = HashMap::new();
            for &h in &hist_items {
                for &(sim, j) in &neighbours[h as usize] {
                    *knn.entry(j).or_default() += sim;
                }
            }
            let (a, p) = both(&|i| knn.get(&i).copied().unwrap_or(0.0));
            res.add("Item-kNN (server, all histories)", a, p);

            let bought: HashSet<u32> = history
                .iter()
                .filter(|e| e.kind == EventKind::Purchase)
                .filter_map(|e| index.get(e.item.as_str()).copied())
                .collect();
            let related: HashSet<u32> = hist_items
                .iter()
                .flat_map(|&h| {
                    neighbours[h as usize]
                        .iter()
                        .filter(move |(_, j)| co_of(h, *j) >= setup.min_co)
                        .take(RELATED)
                        .map(|x| x.1)
                })
                .collect();
            let leaf: HashSet<&str> = hist_items
                .iter()
                .map(|&h| category_of[h as usize].as_str())
                .collect();
            let n = ids.len() as f32;
            let (a, p) = both(&|i| {
                f32::from(u8::from(bought.contains(&i)))
                    + f32::from(u8::from(related.contains(&i)))
                    + f32::from(u8::from(leaf.contains(category_of[i as usize].as_str())))
                    + (1.0 - server_rank[i as usize] as f32 / n)
            });
            res.add(
                "Simple client mix (repeat+related+category+popularity)",
                a,
                p,
            );
        }
        res
    }

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let data = PathBuf::from(args.first().map_or("../shared/data", String::as_str));
        let out = PathBuf::from(args.get(1).map_or("docs/evaluation.md", String::as_str));
        let (cj, cj_meta) = complete_journey_interactions(&data.join("completejourney"))?;
        let (rr, rr_meta) = rees46_interactions(&data.join("rees46/events.csv"))?;
        let runs = [
            (
                Setup {
                    name: "Complete Journey (84.51°, CC0) — first test-period purchase",
                    target: Target::FirstPurchase,
                    min_co: 2,
                },
                cj,
                &cj_meta,
            ),
            (
                Setup {
                    name: "REES46 Open CDP — first test-period purchase",
                    target: Target::FirstPurchase,
                    min_co: 1,
                },
                rr.clone(),
                &rr_meta,
            ),
            (
                Setup {
                    name: "REES46 Open CDP — first test-period event of any kind (extra)",
                    target: Target::FirstEvent,
                    min_co: 1,
                },
                rr,
                &rr_meta,
            ),
        ];
        let mut md = String::new();
        writeln!(md, "# Offline evaluation\n\nRegenerate with `cargo run --release --bin evaluate` (data: `../shared/data`). Protocol: see the top of `src/bin/evaluate.rs` and the README. K = {K}; coverage is the share of the candidate catalogue that appears in anyone's top {K}.\n")?;
        for (setup, events, meta) in runs {
            let started = std::time::Instant::now();
            let r = run(&setup, events, meta);
            writeln!(md, "## {}\n", setup.name)?;
            writeln!(
                md,
                "{} users ranked ({} more had a target never seen in training, which no method can rank); {} items with a training-period event. Reasons true: {} of {} ({:.1} %).\n",
                r.users,
                r.excluded,
                r.items,
                r.reasons_true,
                r.reasons_total,
                100.0 * r.reasons_true as f64 / r.reasons_total.max(1) as f64
            )?;
            for (set, pick) in [("all", 0), ("page", 1)] {
                let size = if pick == 0 { r.items } else { r.items };
                writeln!(md, "**Candidates: {set}**\n\n| method | users | HR@10 | NDCG@10 | MRR | coverage@10 |\n| --- | ---: | ---: | ---: | ---: | ---: |")?;
                let pop = r.methods["Popularity (server order)"].clone();
                for name in &r.order {
                    let s = if pick == 0 {
                        &r.methods[name].0
                    } else {
                        &r.methods[name].1
                    };
                    writeln!(md, "{}", s.row(name, size))?;
                }
                let tailor = if pick == 0 {
                    &r.methods["Tailor (on device)"].0
                } else {
                    &r.methods["Tailor (on device)"].1
                };
                let base = if pick == 0 { &pop.0 } else { &pop.1 };
                writeln!(
                    md,
                    "\nTailor NDCG@10 / popularity NDCG@10 = {:.2}×\n",
                    tailor.ndcg() / base.ndcg().max(1e-9)
                )?;
            }
            eprintln!(
                "evaluate: {} in {:.1} s",
                setup.name,
                started.elapsed().as_secs_f64()
            );
        }
        print!("{md}");
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&out, &md)?;
        eprintln!("evaluate: wrote {}", out.display());
        Ok(())
    }
}
