// SPDX-License-Identifier: GPL-2.0
/*
 * EFI runtime services gate: the hash algorithms of the TPM PCR banks that
 * the kernel computes itself, so that an opening is measured with
 * tpm_pcr_extend() and every digest in the log is known before the TPM is
 * touched.
 */

#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/errno.h>
#include <linux/tpm.h>

#include "rtgate.h"

/**
 * rtgate_hash_size() - Digest size of a PCR bank's hash algorithm
 * @alg_id: TPM algorithm identifier of the bank
 *
 * Return: the digest size in bytes, or 0 if the kernel cannot compute
 * this algorithm (for example SM3 or SHA-3 banks).
 */
u16 rtgate_hash_size(u16 alg_id)
{
	switch (alg_id) {
	case TPM_ALG_SHA1:
		return SHA1_DIGEST_SIZE;
	case TPM_ALG_SHA256:
		return SHA256_DIGEST_SIZE;
	case TPM_ALG_SHA384:
		return SHA384_DIGEST_SIZE;
	case TPM_ALG_SHA512:
		return SHA512_DIGEST_SIZE;
	default:
		return 0;
	}
}

/**
 * rtgate_hash() - Hash a buffer with a PCR bank's algorithm
 * @alg_id: TPM algorithm identifier of the bank
 * @data: the data to hash
 * @len: length of @data
 * @out: receives rtgate_hash_size(@alg_id) bytes
 *
 * Context: any context.
 * Return: 0, or -EOPNOTSUPP if the kernel cannot compute @alg_id.
 */
int rtgate_hash(u16 alg_id, const u8 *data, size_t len, u8 *out)
{
	switch (alg_id) {
	case TPM_ALG_SHA1:
		sha1(data, len, out);
		return 0;
	case TPM_ALG_SHA256:
		sha256(data, len, out);
		return 0;
	case TPM_ALG_SHA384:
		sha384(data, len, out);
		return 0;
	case TPM_ALG_SHA512:
		sha512(data, len, out);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}
