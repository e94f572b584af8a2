/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-1, SHA-256, SHA-384 and SHA-512 after FIPS 180-4, one-shot and
 * unoptimised, so that the EFI runtime gate selftest can recompute PCR
 * extensions with nothing but libc. Test code: not for secrets.
 *
 * A header of static functions rather than a second .c file, so that the
 * test still builds from its single source file.
 */

#ifndef RTGATE_HASH_H
#define RTGATE_HASH_H

#include <stddef.h>
#include <string.h>
#include <linux/types.h>

/* TPM_ALG_ID values of the PCR banks */
#define RTGATE_ALG_SHA1		0x0004
#define RTGATE_ALG_SHA256	0x000b
#define RTGATE_ALG_SHA384	0x000c
#define RTGATE_ALG_SHA512	0x000d

#define RTGATE_HASH_MAX		64	/* largest digest: SHA-512 */

/*
 * SHA-512 constants (section 4.2.3): the first 64 bits of the fractional
 * parts of the cube roots of the first 80 primes. The SHA-256 constants
 * (4.2.2) are the first 32 bits of the same numbers: the upper halves of
 * the first 64 of these.
 */
static const __u64 rtgate_k512[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL,
	0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
	0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
	0xd807aa98a3030242ULL, 0x12835b0145706fbeULL,
	0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL,
	0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
	0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
	0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL,
	0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL,
	0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
	0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
	0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL,
	0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL,
	0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
	0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
	0xd192e819d6ef5218ULL, 0xd69906245565a910ULL,
	0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL,
	0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
	0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
	0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL,
	0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL,
	0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
	0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
	0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL,
	0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL,
	0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
	0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

/* Initial values (5.3.5, 5.3.4); SHA-256's (5.3.3) are the upper halves */
static const __u64 rtgate_h512[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
	0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
	0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
	0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const __u64 rtgate_h384[8] = {
	0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL,
	0x9159015a3070dd17ULL, 0x152fecd8f70e5939ULL,
	0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL,
	0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL,
};

/* SHA-1 initial value (5.3.1) */
static const __u32 rtgate_h1[5] = {
	0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
};

static inline __u32 rtgate_ror32(__u32 x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline __u64 rtgate_ror64(__u64 x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

static __u64 rtgate_get_be(const __u8 *p, unsigned int bytes)
{
	__u64 v = 0;

	while (bytes--)
		v = (v << 8) | *p++;
	return v;
}

static void rtgate_put_be(__u8 *p, __u64 v, unsigned int bytes)
{
	while (bytes--) {
		p[bytes] = v & 0xff;
		v >>= 8;
	}
}

/* SHA-1 compression of one 64-byte block (6.1.2) */
static void rtgate_sha1_block(__u64 *state, const __u8 *block)
{
	__u32 w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = rtgate_get_be(block + 4 * i, 4);
	for (i = 16; i < 80; i++)
		w[i] = rtgate_ror32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16],
				    31);
	a = state[0];
	b = state[1];
	c = state[2];
	d = state[3];
	e = state[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rtgate_ror32(a, 27) + f + e + k + w[i];
		e = d;
		d = c;
		c = rtgate_ror32(b, 2);
		b = a;
		a = t;
	}
	state[0] = (__u32)(state[0] + a);
	state[1] = (__u32)(state[1] + b);
	state[2] = (__u32)(state[2] + c);
	state[3] = (__u32)(state[3] + d);
	state[4] = (__u32)(state[4] + e);
}

/* SHA-256 compression of one 64-byte block (6.2.2) */
static void rtgate_sha256_block(__u64 *state, const __u8 *block)
{
	__u32 w[64], v[8], s0, s1, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = rtgate_get_be(block + 4 * i, 4);
	for (i = 16; i < 64; i++) {
		s0 = rtgate_ror32(w[i - 15], 7) ^ rtgate_ror32(w[i - 15], 18) ^
		     (w[i - 15] >> 3);
		s1 = rtgate_ror32(w[i - 2], 17) ^ rtgate_ror32(w[i - 2], 19) ^
		     (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	for (i = 0; i < 8; i++)
		v[i] = state[i];
	for (i = 0; i < 64; i++) {
		s1 = rtgate_ror32(v[4], 6) ^ rtgate_ror32(v[4], 11) ^
		     rtgate_ror32(v[4], 25);
		t1 = v[7] + s1 + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
		     (__u32)(rtgate_k512[i] >> 32) + w[i];
		s0 = rtgate_ror32(v[0], 2) ^ rtgate_ror32(v[0], 13) ^
		     rtgate_ror32(v[0], 22);
		t2 = s0 + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		state[i] = (__u32)(state[i] + v[i]);
}

/* SHA-512 compression of one 128-byte block (6.4.2), also for SHA-384 */
static void rtgate_sha512_block(__u64 *state, const __u8 *block)
{
	__u64 w[80], v[8], s0, s1, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = rtgate_get_be(block + 8 * i, 8);
	for (i = 16; i < 80; i++) {
		s0 = rtgate_ror64(w[i - 15], 1) ^ rtgate_ror64(w[i - 15], 8) ^
		     (w[i - 15] >> 7);
		s1 = rtgate_ror64(w[i - 2], 19) ^ rtgate_ror64(w[i - 2], 61) ^
		     (w[i - 2] >> 6);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, state, sizeof(v));
	for (i = 0; i < 80; i++) {
		s1 = rtgate_ror64(v[4], 14) ^ rtgate_ror64(v[4], 18) ^
		     rtgate_ror64(v[4], 41);
		t1 = v[7] + s1 + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
		     rtgate_k512[i] + w[i];
		s0 = rtgate_ror64(v[0], 28) ^ rtgate_ror64(v[0], 34) ^
		     rtgate_ror64(v[0], 39);
		t2 = s0 + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		state[i] += v[i];
}

/* Return: the digest size of TPM algorithm @alg, or 0 if not supported */
static size_t rtgate_hash_size(__u16 alg)
{
	switch (alg) {
	case RTGATE_ALG_SHA1:
		return 20;
	case RTGATE_ALG_SHA256:
		return 32;
	case RTGATE_ALG_SHA384:
		return 48;
	case RTGATE_ALG_SHA512:
		return 64;
	default:
		return 0;
	}
}

/*
 * Hash @len bytes at @data with TPM algorithm @alg into @out, which
 * receives rtgate_hash_size(@alg) bytes. Return: 0, or -1 if @alg is not
 * supported.
 */
static int rtgate_hash(__u16 alg, const void *data, size_t len, __u8 *out)
{
	void (*compress)(__u64 *state, const __u8 *block);
	size_t size = rtgate_hash_size(alg), bsize, wsize, tail, i;
	__u64 bits = (__u64)len * 8;
	const __u8 *p = data;
	__u8 buf[2 * 128];
	__u64 state[8];

	switch (alg) {
	case RTGATE_ALG_SHA1:
		for (i = 0; i < 5; i++)
			state[i] = rtgate_h1[i];
		compress = rtgate_sha1_block;
		break;
	case RTGATE_ALG_SHA256:
		for (i = 0; i < 8; i++)
			state[i] = rtgate_h512[i] >> 32;
		compress = rtgate_sha256_block;
		break;
	case RTGATE_ALG_SHA384:
		memcpy(state, rtgate_h384, sizeof(state));
		compress = rtgate_sha512_block;
		break;
	case RTGATE_ALG_SHA512:
		memcpy(state, rtgate_h512, sizeof(state));
		compress = rtgate_sha512_block;
		break;
	default:
		return -1;
	}
	/* Block size; word size, half the size of the length field */
	bsize = compress == rtgate_sha512_block ? 128 : 64;
	wsize = bsize / 16;

	for (; len >= bsize; p += bsize, len -= bsize)
		compress(state, p);

	/* Padding (5.1): 0x80, zeros, the message length in bits */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, p, len);
	buf[len] = 0x80;
	tail = len + 1 + 2 * wsize <= bsize ? bsize : 2 * bsize;
	rtgate_put_be(buf + tail - 8, bits, 8);
	for (i = 0; i < tail; i += bsize)
		compress(state, buf + i);

	for (i = 0; i < size / wsize; i++)
		rtgate_put_be(out + i * wsize, state[i], wsize);
	return 0;
}

#endif /* RTGATE_HASH_H */
