//! The active-instance lease.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use drydock_store::{StoreOptions, Uuid};

use crate::harness::Ctx;

pub async fn claim_maintain_abdicate(ctx: Ctx) {
    let s = &ctx.store;
    let grace = Duration::from_secs(60);
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    assert!(s.current_leader().await.unwrap().is_none());
    assert!(
        s.claim_leadership(a, grace).await.unwrap(),
        "nobody leads: a takes it"
    );
    let leader = s.current_leader().await.unwrap().unwrap();
    assert_eq!(leader.instance_id, a);
    assert!(
        s.claim_leadership(a, grace).await.unwrap(),
        "a already leads"
    );
    assert!(
        !s.claim_leadership(b, grace).await.unwrap(),
        "a's lease is fresh"
    );
    assert!(s.maintain_leadership(a).await.unwrap());
    assert!(!s.maintain_leadership(b).await.unwrap(), "b does not lead");
    assert!(s.current_leader().await.unwrap().unwrap().last_ping >= leader.last_ping);
    assert!(!s.abdicate_leadership(b).await.unwrap());
    assert!(s.abdicate_leadership(a).await.unwrap());
    assert!(s.current_leader().await.unwrap().is_none());
    assert!(
        s.claim_leadership(b, grace).await.unwrap(),
        "after abdication b takes it"
    );
    assert_eq!(s.current_leader().await.unwrap().unwrap().instance_id, b);
    assert!(!s.maintain_leadership(a).await.unwrap());
    // An absurd grace period is a very long one, not an error or an instant takeover.
    assert!(!s.claim_leadership(a, Duration::MAX).await.unwrap());
    assert!(s.claim_leadership(b, Duration::MAX).await.unwrap());
}

/// Four contenders, each its own pool, claim in lockstep rounds: exactly one ever
/// wins while it pings; when it stops, nobody takes over before the grace period,
/// and exactly one does after it.
pub async fn four_contenders_one_leader_and_takeover(ctx: Ctx) {
    const CONTENDERS: usize = 4;
    let grace = Duration::from_millis(1500);
    let options = StoreOptions {
        max_connections: 2,
        ..Default::default()
    };
    let mut stores = Vec::new();
    for _ in 0..CONTENDERS {
        stores.push((Uuid::new_v4(), ctx.another(&options).await));
    }
    let round = |alive: Vec<usize>| {
        let stores = stores.clone();
        async move {
            let mut set = tokio::task::JoinSet::new();
            for i in alive {
                let (id, store) = stores[i].clone();
                set.spawn(async move { (i, store.claim_leadership(id, grace).await.unwrap()) });
            }
            set.join_all()
                .await
                .into_iter()
                .filter(|(_, won)| *won)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        }
    };
    let everyone: Vec<usize> = (0..CONTENDERS).collect();
    let mut winners = HashSet::new();
    for _ in 0..20 {
        let won = round(everyone.clone()).await;
        assert_eq!(won.len(), 1, "exactly one leader per round: {won:?}");
        winners.extend(won);
    }
    assert_eq!(winners.len(), 1, "the leader kept its lease: {winners:?}");
    let leader = *winners.iter().next().unwrap();
    assert_eq!(
        ctx.store
            .current_leader()
            .await
            .unwrap()
            .unwrap()
            .instance_id,
        stores[leader].0
    );

    // The leader stops pinging (crashed). The others keep trying.
    let stopped = Instant::now();
    let others: Vec<usize> = everyone.iter().copied().filter(|i| *i != leader).collect();
    let new_leader = loop {
        let won = round(others.clone()).await;
        assert!(won.len() <= 1, "never two leaders: {won:?}");
        if let Some(w) = won.first() {
            break *w;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            stopped.elapsed() < grace * 4,
            "nobody took over after the grace period"
        );
    };
    assert!(
        stopped.elapsed() >= grace - Duration::from_millis(50),
        "took over before the grace period: {:?}",
        stopped.elapsed()
    );
    assert_ne!(new_leader, leader);
    for _ in 0..5 {
        let won = round(everyone.clone()).await;
        assert_eq!(
            won,
            vec![new_leader],
            "the new leader holds it, the old one cannot come back"
        );
    }
    let (old_id, old_store) = &stores[leader];
    assert!(
        !old_store.maintain_leadership(*old_id).await.unwrap(),
        "the old leader learns it lost"
    );
}
