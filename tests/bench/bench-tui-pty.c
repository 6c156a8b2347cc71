/* SPDX-License-Identifier: MIT */
/* bench-tui-pty: runs a program on a pseudo-terminal of a given size, types
 * Enter each time its output has been quiet for a while, and q once a
 * marker text shows; counts every byte the program writes to the terminal,
 * grouped into bursts (writes with no pause between them: one screen
 * update), and prints how many bytes the first paint, each step change and
 * each packet line cost, with the seconds they take at 9600 baud. Also the
 * time to the first screen and the peak memory (VmHWM).
 *
 * Used by bench-tui.sh; built by it with "cc -O2 ... -lutil". Not a test.
 *
 * usage: bench-tui-pty [-c COLS] [-r ROWS] [-b BAUD] [-S TEXT] [-Q QUIET_MS] [-g GAP_MS]
 *                      [-n MAX_ENTERS] [-t TIMEOUT_S] [-m MARK]... [-o RAW]
 *                      -- COMMAND [ARG]...
 *
 * -S TEXT: a step change whose burst shows TEXT is a change of screen (the
 * verdict's) rather than of step; the table gives both averages, apart
 * and together.
 *
 * -b sets the line speed the pseudo-terminal reports (a pty says 38400
 * unless told), so the program sees the slow line it is measured for; the
 * bytes still arrive at once.
 *
 * A burst is classified as: the first paint (the first burst), a step
 * change (the first burst after an Enter), a packet burst (one holding
 * packet lines: "> SYN", "< RST", "< ICMP", "SYN >", ...; its bytes are
 * shared out over its packet lines), or other (results, evidence, clocks).
 * Packet lines that land in the same burst as a step change are counted
 * with the step change, so both figures are upper bounds. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum kind { K_FIRST, K_STEP, K_SCREEN, K_PACKET, K_OTHER };

struct burst {
	uint64_t t0, t1;        /* us since start */
	size_t bytes;
	int packets;
	enum kind kind;
	int step;               /* for K_STEP: the Enter it followed (1, 2, ...) */
};

/* Text with escape sequences removed, for finding words in the output. */
struct stripper {
	int state;              /* 0 text, 1 after ESC, 2 in CSI, 3 charset byte */
	char *text;
	size_t len, alloc;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-tui-pty: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void text_add(struct stripper *s, char c)
{
	if (s->len + 2 > s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 4096;
		s->text = realloc(s->text, s->alloc);
		if (s->text == NULL)
			die("realloc");
	}
	s->text[s->len++] = c;
	s->text[s->len] = '\0';
}

/* Feeds output bytes; a cursor movement becomes a space or a newline so
 * that words drawn apart stay apart. */
static void strip_feed(struct stripper *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (s->state) {
		case 0:
			if (c == 0x1b)
				s->state = 1;
			else if (c == '\n')
				text_add(s, '\n');
			else if (c >= 0x20 && c != 0x7f)
				text_add(s, (char)c);
			break;
		case 1:
			if (c == '[')
				s->state = 2;
			else if (c == '(' || c == ')' || c == '#')
				s->state = 3;
			else
				s->state = 0;
			break;
		case 2:
			if (c >= 0x40 && c <= 0x7e) {
				if (c == 'H' || c == 'f' || c == 'd' || c == 'A' || c == 'B')
					text_add(s, '\n');
				else if (c == 'C' || c == 'G' || c == 'D')
					text_add(s, ' ');
				s->state = 0;
			}
			break;
		default:
			s->state = 0;
			break;
		}
	}
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* How many packet lines the text holds: the line mode's "> SYN ...",
 * "< RST,ACK ...", "> ICMP echo request ..."; the wizard's "SYN > ...",
 * "< RST,ACK from ...", "ICMP echo request > ...", "< ICMP ...",
 * "... no answer after". */
static int packet_lines(const char *t)
{
	static const char *const marks[] = {
		"> SYN", "< SYN", "< RST", "> RST", "> ICMP", "< ICMP", "SYN >",
		"request >", "no answer after",
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		n += count_of(t, marks[i]);
	return n;
}

/* VmHWM of pid in kB, or 0. */
static long vmhwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Sets the speed tcgetattr() reports on fd (the pty's slave), keeping its
 * other modes. */
static int set_speed(int fd, int baud)
{
	static const struct { int baud; speed_t speed; } speeds[] = {
		{1200, B1200}, {2400, B2400}, {4800, B4800}, {9600, B9600},
		{19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
	};
	struct termios t;

	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++) {
		if (speeds[i].baud != baud)
			continue;
		if (tcgetattr(fd, &t) < 0)
			return -1;
		cfsetispeed(&t, speeds[i].speed);
		cfsetospeed(&t, speeds[i].speed);
		return tcsetattr(fd, TCSANOW, &t);
	}
	return -1;
}

/* Counts the packet lines of a burst that ended with text, and tells a
 * change of screen from a change of step. */
static void burst_close(struct burst *b, const char *text, const char *screen_mark)
{
	if (text == NULL)
		text = "";
	b->packets = packet_lines(text);
	if (b->kind == K_STEP && screen_mark != NULL && strstr(text, screen_mark) != NULL)
		b->kind = K_SCREEN;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-tui-pty [-c COLS] [-r ROWS] [-b BAUD] [-S TEXT] [-Q QUIET_MS] [-g GAP_MS] "
		"[-n MAX_ENTERS] [-t TIMEOUT_S] [-m MARK]... [-o RAW] -- COMMAND [ARG]...\n");
	exit(2);
}

static const char *kind_name(enum kind k)
{
	switch (k) {
	case K_FIRST: return "first paint";
	case K_STEP: return "step change";
	case K_SCREEN: return "screen change";
	case K_PACKET: return "packet";
	case K_OTHER: return "other";
	}
	return "?";
}

int main(int argc, char **argv)
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	int quiet_ms = 800, gap_ms = 5, max_enters = 20, timeout_s = 120, baud = 0, opt;
	const char *marks[8], *raw_path = NULL, *screen_mark = NULL;
	int nmarks = 0, master, status = 0, enters = 0;
	bool quit_sent = false, child_done = false, step_pending = false;
	struct stripper all = {0}, burst_text = {0};
	struct burst *bursts = NULL;
	size_t nbursts = 0, burst_alloc = 0, since_key = 0;
	uint64_t t_start, t_last = 0, t_first_byte = 0;
	uint64_t t_quiet = 0;   /* quiet since: the last output or the last key */
	long hwm = 0;
	struct rusage ru = {0};
	FILE *raw = NULL;
	pid_t pid;

	while ((opt = getopt(argc, argv, "c:r:b:S:Q:g:n:t:m:o:")) != -1) {
		switch (opt) {
		case 'c': ws.ws_col = (unsigned short)atoi(optarg); break;
		case 'r': ws.ws_row = (unsigned short)atoi(optarg); break;
		case 'b': baud = atoi(optarg); break;
		case 'S': screen_mark = optarg; break;
		case 'Q': quiet_ms = atoi(optarg); break;
		case 'g': gap_ms = atoi(optarg); break;
		case 'n': max_enters = atoi(optarg); break;
		case 't': timeout_s = atoi(optarg); break;
		case 'm': if (nmarks < 8) marks[nmarks++] = optarg; break;
		case 'o': raw_path = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	if (raw_path && (raw = fopen(raw_path, "w")) == NULL)
		die(raw_path);

	t_start = now_us();
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0)
		die("forkpty");
	if (pid == 0) {
		if (baud > 0 && set_speed(STDIN_FILENO, baud) < 0) {
			fprintf(stderr, "bench-tui-pty: cannot set the line speed to %d baud\n", baud);
			_exit(127);
		}
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bench-tui-pty: cannot run '%s': %s\n", argv[optind], strerror(errno));
		_exit(127);
	}

	for (;;) {
		struct pollfd pfd = {.fd = master, .events = POLLIN};
		uint64_t now = now_us();
		int wait_ms = quiet_ms;
		int r;

		if (now - t_start > (uint64_t)timeout_s * 1000000u) {
			fprintf(stderr, "bench-tui-pty: no end after %d s: stopping pid %d\n", timeout_s, (int)pid);
			kill(pid, SIGTERM);
			break;
		}
		r = poll(&pfd, 1, gap_ms);
		now = now_us();
		if (r > 0) {
			unsigned char buf[8192];
			ssize_t n = read(master, buf, sizeof(buf));

			if (n <= 0)
				break;  /* EIO: the child closed the terminal */
			if (raw)
				fwrite(buf, 1, (size_t)n, raw);
			if (t_first_byte == 0)
				t_first_byte = now - t_start;
			if (nbursts == 0 || step_pending || now - t_start > t_last + (uint64_t)gap_ms * 1000u) {
				if (nbursts == burst_alloc) {
					burst_alloc = burst_alloc ? burst_alloc * 2 : 64;
					bursts = realloc(bursts, burst_alloc * sizeof(*bursts));
					if (bursts == NULL)
						die("realloc");
				}
				if (nbursts > 0)
					burst_close(&bursts[nbursts - 1], burst_text.text, screen_mark);
				burst_text.len = 0;
				if (burst_text.text)
					burst_text.text[0] = '\0';
				bursts[nbursts] = (struct burst){.t0 = now - t_start, .kind = K_OTHER};
				if (nbursts == 0) {
					bursts[nbursts].kind = K_FIRST;
				} else if (step_pending) {
					bursts[nbursts].kind = K_STEP;
					bursts[nbursts].step = enters;
					step_pending = false;
				}
				nbursts++;
			}
			bursts[nbursts - 1].bytes += (size_t)n;
			bursts[nbursts - 1].t1 = now - t_start;
			t_last = now - t_start;
			t_quiet = t_last;
			strip_feed(&all, buf, (size_t)n);
			strip_feed(&burst_text, buf, (size_t)n);
			continue;
		}
		/* quiet: time for a key? */
		if (nbursts == 0 || now - t_start < t_quiet + (uint64_t)wait_ms * 1000u)
			continue;
		{
			long kb = vmhwm_kb(pid);

			if (kb > hwm)
				hwm = kb;
		}
		if (quit_sent)
			continue;
		{
			bool verdict = false;

			for (int i = 0; i < nmarks && all.text; i++)
				if (strstr(all.text + since_key, marks[i]) != NULL)
					verdict = true;
			if (verdict || enters >= max_enters) {
				/* q then Enter: the wizard quits on the q, the line mode on the line */
				if (write(master, "q\r", 2) != 2)
					die("write");
				quit_sent = true;
				t_quiet = now - t_start;
			} else {
				if (write(master, "\r", 1) != 1)
					die("write");
				enters++;
				step_pending = true;
				since_key = all.len;
				t_quiet = now - t_start;
			}
		}
	}
	if (nbursts > 0)
		burst_close(&bursts[nbursts - 1], burst_text.text, screen_mark);
	if (wait4(pid, &status, 0, &ru) == pid)
		child_done = true;
	close(master);
	if (raw)
		fclose(raw);

	/* the table */
	{
		size_t first = 0, step_sum = 0, step_max = 0, pkt_bytes = 0, other = 0, total = 0;
		size_t screen_sum = 0, screen_max = 0;
		int steps = 0, screens = 0, pkts = 0, pkt_bursts = 0, step_pkts = 0;
		double pkt_max = 0;
		uint64_t first_end = nbursts ? bursts[0].t1 : 0;

		/* the terminal's echo of Enter (line mode) is not the step change:
		 * the burst right after it is */
		for (size_t i = 0; i + 1 < nbursts; i++) {
			struct burst *b = &bursts[i], *next = &bursts[i + 1];

			if (b->kind == K_STEP && b->bytes <= 2 && next->kind == K_OTHER &&
			    next->t0 - b->t1 < 50000) {
				next->kind = K_STEP;
				next->step = b->step;
				next->bytes += b->bytes;
				b->bytes = 0;
				b->kind = K_OTHER;
			}
		}
		for (size_t i = 0; i < nbursts; i++) {
			struct burst *b = &bursts[i];

			total += b->bytes;
			if (b->kind == K_STEP || b->kind == K_SCREEN)
				step_pkts += b->packets;
			if (b->kind == K_OTHER && b->packets > 0)
				b->kind = K_PACKET;
			switch (b->kind) {
			case K_FIRST: first = b->bytes; break;
			case K_STEP:
				steps++;
				step_sum += b->bytes;
				if (b->bytes > step_max)
					step_max = b->bytes;
				break;
			case K_SCREEN:
				screens++;
				screen_sum += b->bytes;
				if (b->bytes > screen_max)
					screen_max = b->bytes;
				break;
			case K_PACKET:
				pkt_bursts++;
				pkts += b->packets;
				pkt_bytes += b->bytes;
				if ((double)b->bytes / b->packets > pkt_max)
					pkt_max = (double)b->bytes / b->packets;
				break;
			case K_OTHER: other += b->bytes; break;
			}
		}
		printf("bursts (time from start, bytes, kind, packet lines):\n");
		for (size_t i = 0; i < nbursts; i++) {
			if (bursts[i].bytes == 0)
				continue;
			printf("  %9.1f ms %6zu  %-11s", (double)bursts[i].t0 / 1000.0, bursts[i].bytes,
			       kind_name(bursts[i].kind));
			if (bursts[i].packets)
				printf("  packets %d", bursts[i].packets);
			putchar('\n');
		}
		printf("\nstep changes (bytes after each Enter; * a change of screen):");
		for (size_t i = 0; i < nbursts; i++)
			if (bursts[i].kind == K_STEP || bursts[i].kind == K_SCREEN)
				printf(" %zu%s", bursts[i].bytes, bursts[i].kind == K_SCREEN ? "*" : "");
		printf("\n\n%-14s %6s %10s %10s  %-12s %9s  %s\n", "event", "count", "bytes avg", "bytes max",
		       "target", "s @ 9600", "");
		printf("%-14s %6d %10zu %10zu  %-12s %9.2f  %s\n", "first paint", nbursts ? 1 : 0, first, first,
		       "<= 2000", first / 960.0, first <= 2000 ? "ok" : "OVER");
		printf("%-14s %6d %10.0f %10zu  %-12s %9.2f  %s\n", "step change", steps,
		       steps ? (double)step_sum / steps : 0.0, step_max, "<= 400 avg",
		       steps ? (double)step_sum / steps / 960.0 : 0.0,
		       steps && (double)step_sum / steps <= 400 ? "ok" : "OVER");
		if (screens) {
			int both = steps + screens;
			double avg = (double)(step_sum + screen_sum) / both;

			printf("%-14s %6d %10.0f %10zu  %-12s %9.2f  %s\n", "screen change", screens,
			       (double)screen_sum / screens, screen_max, "(apart)",
			       (double)screen_sum / screens / 960.0, "");
			printf("%-14s %6d %10.0f %10zu  %-12s %9.2f  %s\n", "step+screen", both, avg,
			       step_max > screen_max ? step_max : screen_max, "<= 400 avg", avg / 960.0,
			       avg <= 400 ? "ok" : "OVER");
		}
		printf("%-14s %6d %10.0f %10.0f  %-12s %9.3f  %s\n", "packet line", pkts,
		       pkts ? (double)pkt_bytes / pkts : 0.0, pkt_max, "<= 100",
		       pkts ? (double)pkt_bytes / pkts / 960.0 : 0.0,
		       pkts && pkt_max <= 100 ? "ok" : (pkts ? "OVER" : "none seen"));
		if (step_pkts)
			printf("%-14s (%d packet lines were drawn within step changes and count there)\n", "",
			       step_pkts);
		printf("%-14s %6s %10zu %10s  %-12s %9.2f\n", "other", "", other, "", "", other / 960.0);
		printf("%-14s %6s %10zu %10s  %-12s %9.2f\n", "all", "", total, "", "", total / 960.0);
		printf("\ntime to the first screen: first byte %.1f ms, first paint complete %.1f ms "
		       "(target < 100 ms): %s\n", t_first_byte / 1000.0, first_end / 1000.0,
		       first_end < 100000 ? "ok" : "OVER");
		if (ru.ru_maxrss > hwm)
			hwm = ru.ru_maxrss;
		printf("peak memory: %.1f MB (VmHWM sampled while quiet, ru_maxrss at exit; target < 16 MB): %s\n",
		       hwm / 1024.0, hwm < 16 * 1024 ? "ok" : "OVER");
		printf("Enter pressed %d times, %s; ", enters, quit_sent ? "then q" : "no q");
		if (child_done && WIFEXITED(status))
			printf("exit status %d\n", WEXITSTATUS(status));
		else if (child_done && WIFSIGNALED(status))
			printf("killed by signal %d\n", WTERMSIG(status));
		else
			printf("no exit status\n");
		(void)pkt_bursts;
	}
	free(bursts);
	free(all.text);
	free(burst_text.text);
	return 0;
}
