// Package sample generates source data for the SAV billing job: plain savbilling values that
// the store inserts, with no database and no clock (the caller passes the periods).
//
//   - Demo is a small, hand-written network of 32 repairers over three months that holds every
//     case of the rules (outcomes, damage, overflows, plans, late arrivals, pending SAVs, changed
//     decisions, anomalies), for `savbilling demo`.
//   - WorkedExample is the worked example of the domain rulebook, for tests.
//   - Network is a large synthetic network, streamed one month at a time, for benchmarks and
//     `savbilling seed`.
//
// Every generator is deterministic: the same arguments give the same rows.
package sample
