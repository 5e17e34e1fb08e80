-- interval input and output (IntervalStyle postgres), arithmetic with dates and timestamps,
-- age/justify, extract on intervals and timestamps, make_date, to_char/to_timestamp/to_date.
SELECT interval '1 day', interval '2 hours 30 minutes', interval '1 year 2 mons', interval '01:02:03';
SELECT interval 'P1D', interval '-1 day', interval '@ 1 hour ago', interval '0', interval '-1 sec';
SELECT interval '1.5 days', interval '1.5 months', interval '1.5 years', interval '5', interval '-1.25 years';
SELECT interval '-1 day +2 hours', interval '1 day -00:00:01', interval '100 hours', interval '1 week';
SELECT interval '1:2', interval '1 2:03:04', interval 'P1Y2M3DT4H5M6.5S', interval '1 decade', interval '3 days 4 hours ago';
SELECT interval '1 millisecond', interval '1.5 seconds', interval '-1 year -2 mons +3 days -04:05:06.789';
SELECT '2 days'::interval, CAST('36 hours' AS interval), (interval '1 day')::text;
SELECT interval 'xyz';
SELECT interval '1 day 1 day';
SELECT interval '2147483648 days';
-- comparisons: a month is 30 days, a day 24 hours
SELECT interval '1 mon' = interval '30 days', interval '1 day' = interval '24 hours', interval '1 day' < interval '25 hours', interval '-1 day' < interval '0';
SELECT interval '1 year' > interval '364 days', interval '1 year' <> interval '360 days';
-- arithmetic
SELECT timestamp '2024-01-31 10:00' + interval '1 month', timestamp '2024-03-31' - interval '1 mon', date '2024-02-28' + interval '1 day';
SELECT date '2024-01-01' - interval '1 hour', interval '2 hours' + date '2024-01-01', timestamptz '2024-01-01 00:00+00' + interval '1 year 2 days 03:00';
SELECT timestamp '2024-03-01' - timestamp '2024-02-01', timestamp '2024-01-01 12:00' - timestamp '2024-01-03 13:30:15.5', timestamptz '2024-01-02 00:00+00' - timestamptz '2024-01-01 06:00+00';
SELECT interval '1 day' + interval '3 hours', interval '1 day' - interval '3 hours', - interval '1 day 02:00', interval '1 hour' * 2.5, 3 * interval '1 day';
SELECT interval '1 mon' / 3, interval '1 day' / 7, interval '1 year' * 0.5, interval '10 days' / 4, interval '2 hours' * -1;
SELECT interval '1 day' / 0;
SELECT timestamp '2024-01-01' + '1 day', '2024-01-01'::date + interval '36 hours';
SELECT timestamp 'infinity' + interval '1 day', timestamp '2024-02-29' + interval '1 year';
-- age and justify
SELECT age(timestamp '2024-03-15 10:00', timestamp '2023-01-20 12:30'), age(timestamp '2023-01-20', timestamp '2024-03-15');
SELECT age(timestamp '2024-03-01', timestamp '2024-01-31'), age(timestamptz '2024-01-01 00:00+00', timestamptz '2024-01-01 00:00+00');
SELECT justify_days(interval '65 days'), justify_hours(interval '50 hours'), justify_interval(interval '1 mon -1 hour'), justify_days(interval '-35 days');
-- extract / date_part
SELECT extract(epoch FROM interval '1 day 2 hours'), extract(hour FROM interval '26 hours'), extract(day FROM interval '3 days 4 hours'), extract(month FROM interval '14 months');
SELECT extract(second FROM interval '1 min 2.5 sec'), extract(milliseconds FROM interval '2.5 sec'), extract(microseconds FROM interval '2.5 sec'), extract(year FROM interval '-14 months');
SELECT date_part('epoch', interval '1 year'), date_part('minute', interval '01:02:03'), extract(quarter FROM interval '5 months'), extract(century FROM interval '250 years');
SELECT extract(epoch FROM timestamp '2024-05-06 07:08:09.5'), extract(epoch FROM timestamptz '1970-01-02 00:00+00'), extract(epoch FROM date '2024-01-01');
SELECT extract(dow FROM timestamp '2024-05-05'), extract(isodow FROM timestamp '2024-05-05'), extract(doy FROM timestamp '2024-12-31'), extract(week FROM timestamp '2024-12-30'), extract(quarter FROM timestamp '2024-05-06');
SELECT extract(microseconds FROM timestamp '2024-05-06 07:08:09.5'), extract(milliseconds FROM timestamp '2024-05-06 07:08:09.5'), extract(second FROM timestamp '2024-05-06 07:08:09.5');
SELECT extract(week FROM date '2021-01-03'), extract(week FROM date '2020-12-31'), extract(isodow FROM date '2024-05-06'), date_part('dow', date '2024-05-06');
SELECT extract(dow FROM interval '1 day');
SELECT extract(foo FROM interval '1 day');
-- make_date and date_trunc
SELECT make_date(2024, 2, 29), make_date(-44, 3, 15);
SELECT make_date(2023, 2, 29);
SELECT date_trunc('week', timestamp '2024-05-09 07:08:09'), date_trunc('quarter', timestamp '2024-05-06'), date_trunc('year', timestamp '2024-05-06'), date_trunc('decade', timestamp '2024-05-06');
-- to_char, to_timestamp, to_date
SELECT to_char(timestamp '2024-05-06 07:08:09.123456', 'YYYY-MM-DD HH24:MI:SS.MS US'), to_char(timestamp '2024-05-06 17:08:09', 'HH12:MI AM pm a.m. P.M.'), to_char(timestamp '2024-05-06', 'Mon MON mon Month MONTH month|');
SELECT to_char(timestamp '2024-05-06', 'Day DAY day Dy DY dy|'), to_char(timestamp '2024-05-06', 'FMDay FMMonth FMDD FMMM FMHH12'), to_char(timestamptz '2024-05-06 00:00+00', 'YYYY TZ tz OF');
SELECT to_char(timestamp '2024-05-06', 'DDD D ID IW WW Q CC J YY Y YYY SSSS'), to_char(timestamp '2024-05-01', 'DDth DDTH FMDDth "quoted DD" \"x'), to_char(date '2024-12-31', 'YYYY-MM-DD Today');
SELECT to_char(timestamp '2024-05-06 00:30:00', 'HH HH12 HH24 AM'), to_char(timestamp '0044-03-15 BC', 'YYYY BC AD'), to_char(timestamp '2024-05-06 07:08:09.5', 'FF1 FF2 FF3 FF6');
SELECT to_char(12, '9999'), to_char(-12, '9999'), to_char(0.5, '9.99'), to_char(0.5, '0.99'), to_char(1.5, 'FM9.99'), to_char(1, 'FM9.99'), to_char(1234567.891, '9,999,999.99'), to_char(-1234.5, 'FM9,999.00');
SELECT to_char(12345, '999'), to_char(5, '000'), to_char(-5, 'S999'), to_char(5, 'S999'), to_char(5, '999S'), to_char(-5, '999MI'), to_char(3.14159::float8, '9.999'), to_char(42::int8, 'FM0000');
SELECT to_char(1234.5, '99999D99'), to_char(1234.5, '99G999'), to_char(0, '9999'), to_char(0, 'FM9999'), to_char(0.0, 'FM0.00'), to_char(-0.1, '9.9'), to_char(100, 'FM999'), to_char(123.456, '999');
SELECT to_timestamp('2024-05-06 07:08:09', 'YYYY-MM-DD HH24:MI:SS'), to_date('06 May 2024', 'DD Mon YYYY'), to_timestamp('05/06/2024 5:08 PM', 'MM/DD/YYYY HH12:MI AM'), to_date('20240506', 'YYYYMMDD');
SELECT to_timestamp('2024-13-06', 'YYYY-MM-DD');
SELECT to_date('2024-02-30', 'YYYY-MM-DD');
SELECT to_timestamp('abc', 'YYYY');
SELECT to_timestamp(0), to_timestamp(1714979289.5), to_char(date '2024-01-05', 'FMDDth FMMonth YYYY');
SELECT to_char(timestamp '2024-01-01 12:00', 'HH:MI PM'), to_char(timestamp '2024-01-01 00:00', 'HH12 am'), to_char(timestamp '2021-01-03', 'IYYY-IW-ID'), to_char(timestamp '2024-05-06', 'RM rm FMRM|');
SELECT to_char(-0.5, 'FM990.00'), to_char(7, '00'), to_char(1234, 'FM9,999'), to_char(12.5::float4, '99.9'), to_char(-12345678, '999,999,999'), to_char(0.01, 'FM9.99');
-- intervals in tables
CREATE TABLE dt_iv (id int PRIMARY KEY, d interval);
INSERT INTO dt_iv VALUES (1, '1 day'), (2, '25 hours'), (3, '1 mon'), (4, NULL), (5, '-2 hours');
SELECT id, d FROM dt_iv ORDER BY d, id;
SELECT min(d), max(d), count(DISTINCT d) FROM dt_iv;
SELECT id FROM dt_iv WHERE d > interval '1 day' ORDER BY id;
DROP TABLE dt_iv;
