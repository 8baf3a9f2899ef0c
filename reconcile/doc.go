// Package reconcile holds the rules of the monthly SAV billing close as pure functions over
// plain values: no database, no files, no clock. Close turns a savbilling.CloseInput (the facts
// read once from the database) into a savbilling.Book (everything the period books), following
// the rulebook in docs/rules.md.
//
// Bad data never stops a close: the smallest wrong item is left out and listed as a blocking
// anomaly, and it stays eligible for the next close. Only a total that cannot be represented in
// int64 cents makes Close fail.
package reconcile
