/* SPDX-License-Identifier: MIT */
/* What a neighbour table's state means for reachability. Pure. */
#include "engine/parse/parse-neigh.h"

#define NEIGH_RETRANS_DEFAULT_MS 1000

bool neigh_state_unanswered(enum neigh_state s)
{
	return s == NEIGH_INCOMPLETE || s == NEIGH_FAILED;
}

bool neigh_conclusive(enum neigh_state s, uint32_t unanswered_ms, int retrans_ms)
{
	if (s == NEIGH_FAILED)
		return true;
	if (retrans_ms <= 0)
		retrans_ms = NEIGH_RETRANS_DEFAULT_MS;
	return s == NEIGH_INCOMPLETE && unanswered_ms >= (uint32_t)retrans_ms;
}

