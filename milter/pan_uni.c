/*
 * pan_uni - decimal digit blocks of Unicode 15 (UnicodeData.txt, Nd);
 * each block is zero..zero+9, listed by its zero: all 68 of them (the
 * 66 of Unicode 14, as Python's unicodedata lists them, plus Kawi and
 * Nag Mundari). Every one starts with a UTF-8 lead byte the detector's
 * kernel knows (D9 DB DF E0-E3 EA EF F0).
 */
#include <stddef.h>

#include "pan_uni.h"

static const uint32_t pan_uni_zeros[] = {
	0x0660,	/* Arabic-Indic */
	0x06F0,	/* Extended Arabic-Indic (Persian, Urdu) */
	0x07C0,	/* NKo */
	0x0966,	/* Devanagari */
	0x09E6,	/* Bengali */
	0x0A66,	/* Gurmukhi */
	0x0AE6,	/* Gujarati */
	0x0B66,	/* Oriya */
	0x0BE6,	/* Tamil */
	0x0C66,	/* Telugu */
	0x0CE6,	/* Kannada */
	0x0D66,	/* Malayalam */
	0x0DE6,	/* Sinhala Lith */
	0x0E50,	/* Thai */
	0x0ED0,	/* Lao */
	0x0F20,	/* Tibetan */
	0x1040,	/* Myanmar */
	0x1090,	/* Myanmar Shan */
	0x17E0,	/* Khmer */
	0x1810,	/* Mongolian */
	0x1946,	/* Limbu */
	0x19D0,	/* New Tai Lue */
	0x1A80,	/* Tai Tham Hora */
	0x1A90,	/* Tai Tham Tham */
	0x1B50,	/* Balinese */
	0x1BB0,	/* Sundanese */
	0x1C40,	/* Lepcha */
	0x1C50,	/* Ol Chiki */
	0xA620,	/* Vai */
	0xA8D0,	/* Saurashtra */
	0xA900,	/* Kayah Li */
	0xA9D0,	/* Javanese */
	0xA9F0,	/* Myanmar Tai Laing */
	0xAA50,	/* Cham */
	0xABF0,	/* Meetei Mayek */
	0xFF10,	/* Fullwidth */
	0x104A0,	/* Osmanya */
	0x10D30,	/* Hanifi Rohingya */
	0x11066,	/* Brahmi */
	0x110F0,	/* Sora Sompeng */
	0x11136,	/* Chakma */
	0x111D0,	/* Sharada */
	0x112F0,	/* Khudawadi */
	0x11450,	/* Newa */
	0x114D0,	/* Tirhuta */
	0x11650,	/* Modi */
	0x116C0,	/* Takri */
	0x11730,	/* Ahom */
	0x118E0,	/* Warang Citi */
	0x11950,	/* Dives Akuru */
	0x11C50,	/* Bhaiksuki */
	0x11D50,	/* Masaram Gondi */
	0x11DA0,	/* Gunjala Gondi */
	0x11F50,	/* Kawi (Unicode 15) */
	0x16A60,	/* Mro */
	0x16AC0,	/* Tangsa */
	0x16B50,	/* Pahawh Hmong */
	0x1D7CE,	/* Mathematical bold */
	0x1D7D8,	/* Mathematical double-struck */
	0x1D7E2,	/* Mathematical sans-serif */
	0x1D7EC,	/* Mathematical sans-serif bold */
	0x1D7F6,	/* Mathematical monospace */
	0x1E140,	/* Nyiakeng Puachue Hmong */
	0x1E2F0,	/* Wancho */
	0x1E4F0,	/* Nag Mundari (Unicode 15) */
	0x1E950,	/* Adlam */
	0x1FBF0,	/* Segmented (Symbols for Legacy Computing) */
};

/* pan_uni_digit - the value of a decimal digit, or -1: the last block
 * whose zero is at most cp, by binary search (the table is in order) */
int
pan_uni_digit(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(pan_uni_zeros) / sizeof(pan_uni_zeros[0]);
	size_t mid;

	if (cp >= '0' && cp <= '9')
		return (int)(cp - '0');
	if (cp < pan_uni_zeros[0])
		return -1;
	while (hi - lo > 1) {	/* zeros[lo] <= cp < zeros[hi] */
		mid = lo + (hi - lo) / 2;
		if (pan_uni_zeros[mid] <= cp)
			lo = mid;
		else
			hi = mid;
	}
	return cp - pan_uni_zeros[lo] < 10 ?
	    (int)(cp - pan_uni_zeros[lo]) : -1;
}
