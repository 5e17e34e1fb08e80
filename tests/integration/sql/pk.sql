-- Primary keys: single, composite, none; lookups on the full key, a key prefix, key ranges.
CREATE TABLE pk_one (id bigint PRIMARY KEY, v text);
INSERT INTO pk_one VALUES
  (1, 'v1'), (2, 'v2'), (3, 'v3'), (4, 'v4'), (5, 'v5'), (6, 'v6'), (7, 'v7'), (8, 'v8'), (9, 'v9'), (10, 'v10'),
  (11, 'v11'), (12, 'v12'), (13, 'v13'), (14, 'v14'), (15, 'v15'), (16, 'v16'), (17, 'v17'), (18, 'v18'), (19, 'v19'), (20, 'v20'),
  (21, 'v21'), (22, 'v22'), (23, 'v23'), (24, 'v24'), (25, 'v25'), (26, 'v26'), (27, 'v27'), (28, 'v28'), (29, 'v29'), (30, 'v30'),
  (31, 'v31'), (32, 'v32'), (33, 'v33'), (34, 'v34'), (35, 'v35'), (36, 'v36'), (37, 'v37'), (38, 'v38'), (39, 'v39'), (40, 'v40'),
  (41, 'v41'), (42, 'v42'), (43, 'v43'), (44, 'v44'), (45, 'v45'), (46, 'v46'), (47, 'v47'), (48, 'v48'), (49, 'v49'), (50, 'v50'),
  (51, 'v51'), (52, 'v52'), (53, 'v53'), (54, 'v54'), (55, 'v55'), (56, 'v56'), (57, 'v57'), (58, 'v58'), (59, 'v59'), (60, 'v60'),
  (61, 'v61'), (62, 'v62'), (63, 'v63'), (64, 'v64'), (65, 'v65'), (66, 'v66'), (67, 'v67'), (68, 'v68'), (69, 'v69'), (70, 'v70'),
  (71, 'v71'), (72, 'v72'), (73, 'v73'), (74, 'v74'), (75, 'v75'), (76, 'v76'), (77, 'v77'), (78, 'v78'), (79, 'v79'), (80, 'v80'),
  (81, 'v81'), (82, 'v82'), (83, 'v83'), (84, 'v84'), (85, 'v85'), (86, 'v86'), (87, 'v87'), (88, 'v88'), (89, 'v89'), (90, 'v90'),
  (91, 'v91'), (92, 'v92'), (93, 'v93'), (94, 'v94'), (95, 'v95'), (96, 'v96'), (97, 'v97'), (98, 'v98'), (99, 'v99'), (100, 'v100'),
  (101, 'v101'), (102, 'v102'), (103, 'v103'), (104, 'v104'), (105, 'v105'), (106, 'v106'), (107, 'v107'), (108, 'v108'), (109, 'v109'), (110, 'v110'),
  (111, 'v111'), (112, 'v112'), (113, 'v113'), (114, 'v114'), (115, 'v115'), (116, 'v116'), (117, 'v117'), (118, 'v118'), (119, 'v119'), (120, 'v120'),
  (121, 'v121'), (122, 'v122'), (123, 'v123'), (124, 'v124'), (125, 'v125'), (126, 'v126'), (127, 'v127'), (128, 'v128'), (129, 'v129'), (130, 'v130'),
  (131, 'v131'), (132, 'v132'), (133, 'v133'), (134, 'v134'), (135, 'v135'), (136, 'v136'), (137, 'v137'), (138, 'v138'), (139, 'v139'), (140, 'v140'),
  (141, 'v141'), (142, 'v142'), (143, 'v143'), (144, 'v144'), (145, 'v145'), (146, 'v146'), (147, 'v147'), (148, 'v148'), (149, 'v149'), (150, 'v150'),
  (151, 'v151'), (152, 'v152'), (153, 'v153'), (154, 'v154'), (155, 'v155'), (156, 'v156'), (157, 'v157'), (158, 'v158'), (159, 'v159'), (160, 'v160'),
  (161, 'v161'), (162, 'v162'), (163, 'v163'), (164, 'v164'), (165, 'v165'), (166, 'v166'), (167, 'v167'), (168, 'v168'), (169, 'v169'), (170, 'v170'),
  (171, 'v171'), (172, 'v172'), (173, 'v173'), (174, 'v174'), (175, 'v175'), (176, 'v176'), (177, 'v177'), (178, 'v178'), (179, 'v179'), (180, 'v180'),
  (181, 'v181'), (182, 'v182'), (183, 'v183'), (184, 'v184'), (185, 'v185'), (186, 'v186'), (187, 'v187'), (188, 'v188'), (189, 'v189'), (190, 'v190'),
  (191, 'v191'), (192, 'v192'), (193, 'v193'), (194, 'v194'), (195, 'v195'), (196, 'v196'), (197, 'v197'), (198, 'v198'), (199, 'v199'), (200, 'v200');
SELECT * FROM pk_one WHERE id = 17;
SELECT * FROM pk_one WHERE id = 0;
SELECT * FROM pk_one WHERE id = -5;
SELECT id FROM pk_one WHERE id >= 195 ORDER BY id;
SELECT id FROM pk_one WHERE id > 10 AND id <= 13 ORDER BY id;
SELECT id FROM pk_one WHERE id BETWEEN 99 AND 101 ORDER BY id DESC;
SELECT id FROM pk_one WHERE id < 3 ORDER BY id;
SELECT count(*) FROM pk_one WHERE id > 100;
SELECT id FROM pk_one WHERE id IN (5, 50, 500) ORDER BY id;
SELECT id FROM pk_one WHERE id = 5 OR id = 6 ORDER BY id;
SELECT id, v FROM pk_one WHERE id = 42 AND v = 'v42';
SELECT id, v FROM pk_one WHERE id = 42 AND v = 'nope';
SELECT id FROM pk_one ORDER BY id DESC LIMIT 3;
-- text primary key: order is byte order in the C locale
CREATE TABLE pk_text (k text PRIMARY KEY, n int);
INSERT INTO pk_text VALUES ('b', 1), ('a', 2), ('B', 3), ('', 4), ('ab', 5), ('a b', 6), ('é', 7);
SELECT * FROM pk_text ORDER BY k;
SELECT * FROM pk_text WHERE k = 'ab';
SELECT k FROM pk_text WHERE k >= 'a' AND k < 'b' ORDER BY k;
SELECT k FROM pk_text WHERE k = '';
-- composite primary key
CREATE TABLE pk_two (tenant int, id int, name text, PRIMARY KEY (tenant, id));
INSERT INTO pk_two VALUES
  (1, -3, 't1i-3'), (1, -2, 't1i-2'), (1, -1, 't1i-1'), (1, 0, 't1i0'), (1, 1, 't1i1'), (1, 2, 't1i2'), (1, 3, 't1i3'), (1, 4, 't1i4'),
  (1, 5, 't1i5'), (1, 6, 't1i6'), (1, 7, 't1i7'), (1, 8, 't1i8'), (1, 9, 't1i9'), (1, 10, 't1i10'), (1, 11, 't1i11'), (1, 12, 't1i12'),
  (1, 13, 't1i13'), (1, 14, 't1i14'), (1, 15, 't1i15'), (1, 16, 't1i16'), (1, 17, 't1i17'), (1, 18, 't1i18'), (1, 19, 't1i19'), (1, 20, 't1i20'),
  (2, -3, 't2i-3'), (2, -2, 't2i-2'), (2, -1, 't2i-1'), (2, 0, 't2i0'), (2, 1, 't2i1'), (2, 2, 't2i2'), (2, 3, 't2i3'), (2, 4, 't2i4'),
  (2, 5, 't2i5'), (2, 6, 't2i6'), (2, 7, 't2i7'), (2, 8, 't2i8'), (2, 9, 't2i9'), (2, 10, 't2i10'), (2, 11, 't2i11'), (2, 12, 't2i12'),
  (2, 13, 't2i13'), (2, 14, 't2i14'), (2, 15, 't2i15'), (2, 16, 't2i16'), (2, 17, 't2i17'), (2, 18, 't2i18'), (2, 19, 't2i19'), (2, 20, 't2i20'),
  (3, -3, 't3i-3'), (3, -2, 't3i-2'), (3, -1, 't3i-1'), (3, 0, 't3i0'), (3, 1, 't3i1'), (3, 2, 't3i2'), (3, 3, 't3i3'), (3, 4, 't3i4'),
  (3, 5, 't3i5'), (3, 6, 't3i6'), (3, 7, 't3i7'), (3, 8, 't3i8'), (3, 9, 't3i9'), (3, 10, 't3i10'), (3, 11, 't3i11'), (3, 12, 't3i12'),
  (3, 13, 't3i13'), (3, 14, 't3i14'), (3, 15, 't3i15'), (3, 16, 't3i16'), (3, 17, 't3i17'), (3, 18, 't3i18'), (3, 19, 't3i19'), (3, 20, 't3i20'),
  (4, -3, 't4i-3'), (4, -2, 't4i-2'), (4, -1, 't4i-1'), (4, 0, 't4i0'), (4, 1, 't4i1'), (4, 2, 't4i2'), (4, 3, 't4i3'), (4, 4, 't4i4'),
  (4, 5, 't4i5'), (4, 6, 't4i6'), (4, 7, 't4i7'), (4, 8, 't4i8'), (4, 9, 't4i9'), (4, 10, 't4i10'), (4, 11, 't4i11'), (4, 12, 't4i12'),
  (4, 13, 't4i13'), (4, 14, 't4i14'), (4, 15, 't4i15'), (4, 16, 't4i16'), (4, 17, 't4i17'), (4, 18, 't4i18'), (4, 19, 't4i19'), (4, 20, 't4i20'),
  (5, -3, 't5i-3'), (5, -2, 't5i-2'), (5, -1, 't5i-1'), (5, 0, 't5i0'), (5, 1, 't5i1'), (5, 2, 't5i2'), (5, 3, 't5i3'), (5, 4, 't5i4'),
  (5, 5, 't5i5'), (5, 6, 't5i6'), (5, 7, 't5i7'), (5, 8, 't5i8'), (5, 9, 't5i9'), (5, 10, 't5i10'), (5, 11, 't5i11'), (5, 12, 't5i12'),
  (5, 13, 't5i13'), (5, 14, 't5i14'), (5, 15, 't5i15'), (5, 16, 't5i16'), (5, 17, 't5i17'), (5, 18, 't5i18'), (5, 19, 't5i19'), (5, 20, 't5i20');
SELECT count(*) FROM pk_two;
SELECT * FROM pk_two WHERE tenant = 3 AND id = 7;
SELECT * FROM pk_two WHERE id = 7 AND tenant = 3;
SELECT * FROM pk_two WHERE tenant = 3 AND id = 99;
SELECT id FROM pk_two WHERE tenant = 2 ORDER BY id;
SELECT tenant, id FROM pk_two WHERE tenant = 4 AND id >= 18 ORDER BY tenant, id;
SELECT tenant, id FROM pk_two WHERE tenant = 4 AND id < -1 ORDER BY id;
SELECT tenant, id FROM pk_two WHERE tenant BETWEEN 2 AND 3 AND id BETWEEN 0 AND 1 ORDER BY tenant, id;
SELECT tenant, id FROM pk_two WHERE id = 0 ORDER BY tenant;
SELECT tenant, id FROM pk_two WHERE id = 20 ORDER BY tenant DESC;
INSERT INTO pk_two VALUES (3, 7, 'dup');
INSERT INTO pk_two VALUES (3, NULL, 'null id');
INSERT INTO pk_two VALUES (3, 21, 'new'), (6, 7, 'new tenant');
UPDATE pk_two SET name = 'updated' WHERE tenant = 3 AND id = 7;
DELETE FROM pk_two WHERE tenant = 5;
SELECT count(*) AS n, min(id), max(id) FROM pk_two WHERE tenant = 3;
SELECT count(*) AS n FROM pk_two WHERE tenant = 5;
SELECT tenant, id, name FROM pk_two WHERE tenant = 6 ORDER BY id;
SELECT count(*) FROM pk_two;
SELECT * FROM pk_two WHERE tenant = 3 AND id IN (7, 21) ORDER BY id;
-- composite key with text and mixed types, key column not first in the table
CREATE TABLE pk_mix (v text, region text, day date, seq smallint, PRIMARY KEY (region, day, seq));
INSERT INTO pk_mix VALUES ('a', 'eu', '2024-01-02', 1), ('b', 'eu', '2024-01-01', 2), ('c', 'us', '2024-01-01', 1), ('d', 'eu', '2024-01-01', 1), ('e', 'eu', '2024-01-01', -1);
SELECT * FROM pk_mix ORDER BY region, day, seq;
SELECT v FROM pk_mix WHERE region = 'eu' AND day = '2024-01-01' ORDER BY seq;
SELECT v FROM pk_mix WHERE region = 'eu' AND day = '2024-01-01' AND seq = -1;
SELECT v FROM pk_mix WHERE region = 'eu' AND day > '2024-01-01' ORDER BY v;
INSERT INTO pk_mix VALUES ('dup', 'eu', '2024-01-01', 1);
-- a table without a primary key: duplicates allowed, all operations work
CREATE TABLE pk_none (a int, b text);
INSERT INTO pk_none VALUES (1, 'x'), (1, 'x'), (2, 'y'), (NULL, NULL);
SELECT * FROM pk_none ORDER BY a, b;
UPDATE pk_none SET b = 'z' WHERE a = 1;
SELECT * FROM pk_none ORDER BY a, b;
DELETE FROM pk_none WHERE a = 2;
SELECT count(*), count(a), sum(a) FROM pk_none;
DELETE FROM pk_none;
SELECT count(*) FROM pk_none;
DROP TABLE pk_one, pk_text, pk_two, pk_mix, pk_none;
