/* SPDX-License-Identifier: MIT */
/* This machine's own outbound rules, from an iptables-save listing: the
 * rule that stops a SYN to one address and port from leaving (the client's
 * own firewall, seen from the client). The inbound evaluator is
 * parse-firewall.h; this one reads the filter table's OUTPUT chain only. */
#ifndef SSHD_PARSE_FW_OUTPUT_H
#define SSHD_PARSE_FW_OUTPUT_H

#include <stddef.h>

/* The rule that drops or rejects a new TCP connection to dst (a numeric
 * address) port port, met in the filter table's OUTPUT chain (and the
 * chains it jumps to) of iptables-save text buf. */
struct fw_out_rule {
	char *text;         /* "-A OUTPUT -p tcp -m tcp --dport 22 -j DROP", or for
			     * the chain's policy ":OUTPUT DROP"; printable */
	char *chain;        /* the chain it sits in */
	int is_policy;      /* 1: no rule, the chain's policy */
	int conditional;    /* 1: it also matches on something not judged
			     * (an interface, an owner, a state...) */
};

void fw_out_rule_release(struct fw_out_rule *r);

/* Returns 1 and fills r (the caller releases it) when a DROP or REJECT rule
 * (or a DROP policy) stops the connection before any ACCEPT that matches it
 * for sure; 0 when nothing in OUTPUT stops it; -1 when buf is not an
 * iptables-save listing with a filter table. buf need not be
 * NUL-terminated. Pure. */
int fw_out_find(const char *buf, size_t len, const char *dst, int port, struct fw_out_rule *r);

/* The command that removes rule r for family (4 or 6): the rule deleted
 * ("sudo iptables -D OUTPUT ..."), or for a policy an accepting rule for
 * dst and port inserted first. The caller frees. */
char *fw_out_fix_command(const struct fw_out_rule *r, int family, const char *dst, int port);

#endif
