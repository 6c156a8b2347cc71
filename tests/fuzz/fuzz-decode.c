/* SPDX-License-Identifier: MIT */
/* Fuzz target for capture/decode.c and capture/classify.c: the first byte
 * picks the link type (an index in pb_fuzz_dlts), the rest is the packet.
 * Every input is decoded, summarised, and fed to a classifier watching the
 * fixtures' target, so answers and ICMP quotes reach the matching code. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/classify.h"
#include "capture/decode.h"
#include "../fixtures/pcap/pktbuild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_addr t[2];
	struct classify *c;
	struct pkt p;
	char line[256];
	uint8_t *copy;
	int dlt;

	if (size < 1)
		return 0;
	dlt = pb_fuzz_dlts[data[0] % PB_FUZZ_NDLTS];
	/* an exact-size copy, so any read past the end is caught */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	pkt_decode(dlt, copy, size - 1, &p);
	pkt_summary(&p, line, sizeof(line));
	pkt_summary(&p, line, 7);

	pkt_addr_parse(&t[0], PB_TARGET4);
	pkt_addr_parse(&t[1], PB_TARGET6);
	c = classify_new(t, 2, PB_PORT);
	if (c != NULL) {
		/* twice: the second copy meets the attempt the first one made */
		classify_feed_raw(c, 1000, dlt, copy, size - 1);
		classify_feed_raw(c, 2000, dlt, copy, size - 1);
		if (p.has_l4 && p.src.family != 0 && c->naddrs > 0) {
			/* the packet's own source as target too, so its answers match */
			struct classify *c2 = classify_new(&p.src, 1, p.sport);

			if (c2 != NULL) {
				classify_feed(c2, 1, &p);
				classify_result(c2);
				classify_free(c2);
			}
		}
		for (size_t i = 0; i < c->nattempts; i++)
			classify_rst_origin(c, &c->attempts[i], line, sizeof(line));
		classify_result(c);
		for (size_t i = 0; i < c->npackets; i++)
			classify_packet_offset(c, &c->packets[i]);
		classify_free(c);
	}
	free(copy);
	return 0;
}
