// Package bank writes the SEPA credit transfer file that pays the repairers' statements
// (pain.001.001.09, EPC SCT customer-to-PSP implementation guidelines 2023, EPC132-08 V1.0), and
// decides, per statement, whether the file can pay it or why not (no IBAN, an IBAN with a bad
// checksum, a BIC of the wrong shape, a country outside SEPA, nothing to pay). It validates
// IBANs (ISO 13616: country lengths and mod-97) and BIC shapes (ISO 9362), and writes names and
// addresses in the SEPA character set, cut to the fields' lengths. Amounts are int64 cents.
// The package is pure: it reads no database, file or clock.
package bank
