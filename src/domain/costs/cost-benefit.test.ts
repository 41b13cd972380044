import { describe, expect, it } from 'vitest';
import { costBenefit, describeQuantity, familiesPlusExample, formatTenthsPercent, lineFromUnitCost, lineTotal, type CostBenefitInput } from './cost-benefit.ts';
import { applyFactor, deflate, deflationFactor, describeDeflation, MissingDeflatorError, type DeflatorYear } from './deflator.ts';
import { formatPence, mulDivRound, parsePounds, parseScaled, penceToPounds } from './money.ts';
import { annualPence, defaultUnitCosts, isFinancialYear, normaliseFinancialYear, unitCostFieldsSchema } from './unit-costs.ts';

const index: DeflatorYear[] = [
  { financialYear: '2009/10', indexThousandths: 80_000, source: 'test' },
  { financialYear: '2015/16', indexThousandths: 100_000, source: 'test' },
  { financialYear: '2024/25', indexThousandths: 123_000, source: 'test' },
];

describe('money', () => {
  it('rounds half up, exactly, even for large products', () => {
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(4, 1, 2)).toBe(2);
    expect(mulDivRound(9_007_199_254_740_991, 10, 10)).toBe(9_007_199_254_740_991);
    expect(() => mulDivRound(-1, 1, 1)).toThrow(RangeError);
  });

  it('formats pounds, with pence only when there are some', () => {
    expect(formatPence(50_208_000)).toBe('£502,080');
    expect(formatPence(105_288)).toBe('£1,052.88');
    expect(formatPence(-1_000_00)).toBe('-£1,000');
    expect(formatPence(5)).toBe('£0.05');
    expect(penceToPounds(105_205)).toBe('1052.05');
    expect(penceToPounds(-50_000)).toBe('-500');
  });

  it('reads amounts as people type them', () => {
    expect(parsePounds('£1,053.12')).toBe(105_312);
    expect(parsePounds('856')).toBe(85_600);
    expect(parsePounds('856.5')).toBe(85_650);
    expect(parsePounds('12.345')).toBeNull();
    expect(parsePounds('-3')).toBeNull();
    expect(parsePounds('ten')).toBeNull();
    expect(parseScaled('8', 2)).toBe(800);
    expect(parseScaled('1.5', 2)).toBe(150);
    expect(parseScaled('100.125', 3)).toBe(100_125);
    expect(parseScaled('1.234', 2)).toBeNull();
  });
});

describe('financial years', () => {
  it('accepts 2013/14 and the forms sources print', () => {
    expect(isFinancialYear('2013/14')).toBe(true);
    expect(isFinancialYear('1999/00')).toBe(true);
    expect(isFinancialYear('2013/15')).toBe(false);
    expect(normaliseFinancialYear('2013-14')).toBe('2013/14');
    expect(normaliseFinancialYear('2013/2014')).toBe('2013/14');
    expect(normaliseFinancialYear(' 2023–24 ')).toBe('2023/24');
  });

  it('every default cost has a valid price year, a source and a whole number of pence', () => {
    for (const cost of defaultUnitCosts) {
      expect(isFinancialYear(cost.priceYear), cost.key).toBe(true);
      expect(cost.source.length, cost.key).toBeGreaterThan(0);
      expect(Number.isSafeInteger(cost.amountPence), cost.key).toBe(true);
    }
    expect(new Set(defaultUnitCosts.map((c) => c.key)).size).toBe(defaultUnitCosts.length);
  });

  it('annualises time-based costs and refuses to guess for costs by the event', () => {
    expect(annualPence({ amountPence: 85_600, unit: 'week' })).toBe(4_451_200);
    expect(annualPence({ amountPence: 5_108_000, unit: 'year' })).toBe(5_108_000);
    expect(annualPence({ amountPence: 1_000, unit: 'day' })).toBe(365_000);
    expect(annualPence({ amountPence: 247_000, unit: 'event' })).toBeNull();
  });

  it('validates a unit cost with GOV.UK messages', () => {
    const ok = unitCostFieldsSchema.safeParse({ label: 'Foster care', amount: '700', unit: 'week', priceYear: '2013-14', source: 'GMCA' });
    expect(ok.success && ok.data).toMatchObject({ amount: 70_000, priceYear: '2013/14', notes: '' });
    const tooMuch = unitCostFieldsSchema.safeParse({ label: 'x', amount: '2000000000', unit: 'week', priceYear: '2013/14', source: 's' });
    expect(tooMuch.success ? null : tooMuch.error.issues[0].message).toBe('The amount must be £1,000,000,000 or less');
  });
});

describe('the deflator', () => {
  it('is exactly 1 within a year, and needs no index for it', () => {
    expect(deflationFactor('2013/14', '2013/14', [])).toBe(10_000);
  });

  it('takes a cost from its price year to the report year and shows the sum', () => {
    const factor = deflationFactor('2015/16', '2024/25', index);
    expect(factor).toBe(12_300);
    expect(applyFactor(85_600, factor)).toBe(105_288);
    expect(describeDeflation(85_600, '2015/16', '2024/25', factor)).toBe('£856 (2015/16) x 1.23 = £1,052.88 (2024/25)');
    expect(deflate(85_600, '2024/25', '2015/16', index)).toEqual({ pence: 69_593, factor: 8130, sum: '£856 (2024/25) x 0.813 = £695.93 (2015/16)' });
  });

  it('rounds the factor to four decimal places before multiplying, so the shown sum reproduces the figure', () => {
    // 100 / 80 is 1.25 exactly; 123 / 80 is 1.5375; 80 / 123 is 0.65040..., shown and used as 0.6504.
    expect(deflationFactor('2024/25', '2009/10', index)).toBe(6504);
    expect(applyFactor(100_000, 6504)).toBe(65_040);
  });

  it('refuses a year with no index, naming the year', () => {
    expect(() => deflationFactor('2001/02', '2024/25', index)).toThrow(new MissingDeflatorError('2001/02'));
    expect(() => deflationFactor('2015/16', '2030/31', index)).toThrow('There is no deflator index for 2030/31');
  });
});

describe('cost-benefit', () => {
  it('gives £502,080 against £114,000 for Families Plus, with every line’s sum', () => {
    const result = costBenefit(familiesPlusExample);
    expect(result.lines.map((l) => l.totalPence)).toEqual([44_512_000, 2_620_800, 1_705_600, 1_369_600]);
    expect(result.lines.map((l) => l.sum)).toEqual([
      '10 children x £856 per week x 52 weeks = £445,120',
      '8 children x £63 per week x 52 weeks = £26,208',
      '2 children x £164 per week x 52 weeks = £17,056',
      '2 children x £856 per week x 8 weeks = £13,696',
    ]);
    expect(result.grossAvoidedPence).toBe(50_208_000);
    expect(result.avoidedPence).toBe(50_208_000);
    expect(result.deliveryCostPence).toBe(11_400_000);
    expect(result.netSavingPence).toBe(38_808_000);
    expect(result.savingPerFamilyPence).toBe(1_940_400);
    expect(result.returnPerPoundPence).toBe(440);
    expect(result.steps.map((s) => s.sum)).toEqual([
      '£445,120 + £26,208 + £17,056 + £13,696 = £502,080',
      '£114,000 (2009/10 prices, as entered)',
      '£502,080 - £114,000 = £388,080',
      '£388,080 ÷ 20 families = £19,404',
      '£388,080 ÷ 22 children = £17,640',
      '£502,080 ÷ £114,000 = £4.40 avoided for every £1 spent',
    ]);
    expect(result.savingPerChildPence).toBe(1_764_000);
    expect(result.lines.every((l) => l.deflationSum === null && l.factor === 10_000)).toBe(true);
  });

  it('shows the saving per child beside the saving per family, and builds the delivery cost from a unit cost x a count (Option 2, £2,194 a child)', () => {
    const option2 = defaultUnitCosts.find((c) => c.key === 'option2_per_child')!;
    // Option 2's placements avoided: its £2,194 a child plus the £3,372 a child it saved.
    const placements = { ...option2, key: 'placements', label: 'Placements avoided', amountPence: 556_600 };
    const result = costBenefit({
      families: 4, children: 10, priceYear: '2010/11', deliveryCostPence: 0, deadweightTenths: 0, optimismBiasBenefitsTenths: 0, optimismBiasCostsTenths: 0,
      lines: [lineFromUnitCost(placements, { description: 'Children kept out of care placements', count: 10, countOf: 'children', quantityHundredths: 100 })],
      deliveryLine: lineFromUnitCost(option2, { description: 'Option 2 for each child', count: 10, countOf: 'children', quantityHundredths: 100 }),
    });
    expect(result.deliveryCostPence).toBe(2_194_000);
    expect(result.deliveryLine!.sum).toBe('10 children x £2,194 per child x 1 time = £21,940');
    expect(result.steps.find((s) => s.key === 'delivery')!.sum).toBe('10 children x £2,194 per child x 1 time = £21,940');
    expect(result.savingPerChildPence).toBe(337_200);
    expect(result.steps.find((s) => s.key === 'perChild')!.sum).toBe('£33,720 ÷ 10 children = £3,372');
    expect(result.savingPerFamilyPence).toBe(843_000);
  });

  it('has no saving per child when the number of children is not known', () => {
    const result = costBenefit({ ...familiesPlusExample, children: null });
    expect(result.savingPerChildPence).toBeNull();
    expect(result.steps.map((s) => s.key)).not.toContain('perChild');
  });

  it('applies deadweight, then optimism bias on benefits, and optimism bias on costs, each as its own line', () => {
    const result = costBenefit({ ...familiesPlusExample, deadweightTenths: 200, optimismBiasBenefitsTenths: 100, optimismBiasCostsTenths: 150 });
    expect(result.deadweightPence).toBe(10_041_600);
    expect(result.optimismBiasBenefitsPence).toBe(4_016_640);
    expect(result.avoidedPence).toBe(36_149_760);
    expect(result.optimismBiasCostsPence).toBe(1_710_000);
    expect(result.adjustedDeliveryCostPence).toBe(13_110_000);
    expect(result.netSavingPence).toBe(23_039_760);
    expect(result.savingPerFamilyPence).toBe(1_151_988);
    expect(result.returnPerPoundPence).toBe(276);
    expect(result.steps.map((s) => [s.key, s.adjustment ?? '', s.sum])).toEqual([
      ['gross', '', '£445,120 + £26,208 + £17,056 + £13,696 = £502,080'],
      ['deadweight', 'less', '£502,080 x 20% = £100,416'],
      ['optimismBenefits', 'less', '£401,664 x 10% = £40,166.40'],
      ['avoided', '', '£502,080 - £100,416 - £40,166.40 = £361,497.60'],
      ['delivery', '', '£114,000 (2009/10 prices, as entered)'],
      ['optimismCosts', 'plus', '£114,000 x 15% = £17,100'],
      ['adjustedDelivery', '', '£114,000 + £17,100 = £131,100'],
      ['net', '', '£361,497.60 - £131,100 = £230,397.60'],
      ['perFamily', '', '£230,397.60 ÷ 20 families = £11,519.88'],
      ['perChild', '', '£230,397.60 ÷ 22 children = £10,472.62'],
      ['returnPerPound', '', '£361,497.60 ÷ £131,100 = £2.76 avoided for every £1 spent'],
    ]);
  });

  it('brings each line to the report’s price year with the deflator and shows how', () => {
    const result = costBenefit({ ...familiesPlusExample, priceYear: '2024/25', deliveryCostPence: 20_000_000 }, index);
    const first = result.lines[0];
    expect(first.factor).toBe(15_375);
    expect(first.unitCostInReportYearPence).toBe(131_610);
    expect(first.deflationSum).toBe('£856 (2009/10) x 1.5375 = £1,316.10 (2024/25)');
    expect(first.sum).toBe('10 children x £1,316.10 per week x 52 weeks = £684,372');
    expect(result.grossAvoidedPence).toBe(result.lines.reduce((s, l) => s + l.totalPence, 0));
  });

  it('fails with the missing year when a line cannot be deflated', () => {
    expect(() => costBenefit({ ...familiesPlusExample, priceYear: '2024/25' }, [])).toThrow(MissingDeflatorError);
  });

  it('shows a loss as a negative saving, rounds per family half away from zero, and has no return per £1 without a delivery cost', () => {
    const small: CostBenefitInput = { ...familiesPlusExample, lines: [familiesPlusExample.lines[3]], deliveryCostPence: 1_369_601, families: 2 };
    const loss = costBenefit(small);
    expect(loss.netSavingPence).toBe(-1);
    expect(loss.savingPerFamilyPence).toBe(-1);
    expect(loss.steps.find((s) => s.key === 'net')?.sum).toBe('£13,696 - £13,696.01 = -£0.01');
    const free = costBenefit({ ...small, deliveryCostPence: 0 });
    expect(free.returnPerPoundPence).toBeNull();
    expect(free.steps.at(-1)?.sum).toBe('No delivery cost entered, so there is no return per £1');
  });

  it('multiplies fractional quantities exactly and rounds the line to the penny', () => {
    expect(lineTotal(3, 333, 150)).toBe(1499); // 3 x £3.33 x 1.5 = £14.985 → £14.99
    expect(describeQuantity('year', 150)).toBe('1.5 years');
    expect(describeQuantity('week', 100)).toBe('1 week');
    expect(formatTenthsPercent(125)).toBe('12.5%');
  });
});
