"""Takes over core.indicators' target and DTI tables as they are (ADR 1002): state only, no data moves.
Migration 0002 renames them."""

import django.db.models.deletion
import government.operations_centre.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("indicators", "0002_operations_centre_moves_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DtiFramework',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='mã')),
                        ('decision', models.CharField(max_length=120, verbose_name='văn bản ban hành')),
                        ('name', models.CharField(max_length=200, verbose_name='tên')),
                        ('issued_on', models.DateField(verbose_name='ngày ban hành')),
                        ('max_points', models.FloatField(verbose_name='tổng điểm tối đa')),
                        ('is_current', models.BooleanField(default=False, verbose_name='đang áp dụng')),
                        ('reference_version', models.CharField(max_length=40, verbose_name='phiên bản dữ liệu')),
                        ('notes', models.TextField(blank=True, verbose_name='ghi chú')),
                    ],
                    options={
                        'verbose_name': 'bộ chỉ số DTI',
                        'verbose_name_plural': 'bộ chỉ số DTI',
                        'db_table': 'indicators_dtiframework',
                        'ordering': ['-issued_on'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('is_current',), name='dti_one_current')],
                    },
                ),
                migrations.CreateModel(
                    name='DtiAssessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm đánh giá')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('framework', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='operations_centre.dtiframework')),
                    ],
                    options={
                        'verbose_name': 'kỳ tự đánh giá DTI',
                        'verbose_name_plural': 'kỳ tự đánh giá DTI',
                        'db_table': 'indicators_dtiassessment',
                        'ordering': ['-year'],
                    },
                ),
                migrations.CreateModel(
                    name='DtiNode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('group', 'Nhóm chỉ số'), ('main', 'Chỉ số chính'), ('sub', 'Chỉ số thành phần')], max_length=5, verbose_name='cấp')),
                        ('code', models.CharField(max_length=20, verbose_name='mã')),
                        ('name', models.CharField(max_length=300, verbose_name='tên')),
                        ('pillar', models.CharField(blank=True, choices=[('', 'Nền tảng chung'), ('cqs', 'Chính quyền số'), ('kts', 'Kinh tế số'), ('xhs', 'Xã hội số')], max_length=3, verbose_name='trụ cột')),
                        ('max_points', models.FloatField(default=0, verbose_name='điểm tối đa')),
                        ('method', models.CharField(blank=True, choices=[('self_report', 'Tự đánh giá, có minh chứng'), ('automatic', 'Đo tự động'), ('survey', 'Thống kê, điều tra')], max_length=12, verbose_name='phương pháp')),
                        ('formula', models.CharField(blank=True, choices=[('ratio', 'Tỷ lệ so với mức đạt điểm tối đa'), ('boolean', 'Có / không'), ('tiered', 'Theo mức (0, ½, 1)')], max_length=8, verbose_name='cách tính')),
                        ('full_score_at', models.FloatField(blank=True, null=True, verbose_name='mức đạt điểm tối đa')),
                        ('unit', models.CharField(blank=True, max_length=30, verbose_name='đơn vị')),
                        ('portal_indicator_code', models.CharField(blank=True, max_length=100, verbose_name='chỉ tiêu của cổng')),
                        ('evidence_status', models.CharField(blank=True, max_length=4, verbose_name='mức xác thực nguồn')),
                        ('source_note', models.TextField(blank=True, verbose_name='nguồn')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='thứ tự')),
                        ('framework', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nodes', to='operations_centre.dtiframework')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='operations_centre.dtinode')),
                    ],
                    options={
                        'verbose_name': 'chỉ số DTI',
                        'verbose_name_plural': 'chỉ số DTI',
                        'db_table': 'indicators_dtinode',
                        'ordering': ['framework', 'order'],
                    },
                ),
                migrations.CreateModel(
                    name='DtiEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('value', models.FloatField(verbose_name='giá trị')),
                        ('evidence_file', models.FileField(blank=True, upload_to=government.operations_centre.models._evidence_path, verbose_name='tệp minh chứng')),
                        ('evidence_url', models.URLField(blank=True, verbose_name='đường dẫn minh chứng')),
                        ('note', models.TextField(verbose_name='ghi chú (số hiệu, ngày, trích yếu văn bản)')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='nhập lúc')),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='operations_centre.dtiassessment')),
                        ('entered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('node', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='operations_centre.dtinode')),
                    ],
                    options={
                        'verbose_name': 'số liệu tự đánh giá DTI',
                        'verbose_name_plural': 'số liệu tự đánh giá DTI',
                        'db_table': 'indicators_dtientry',
                        'ordering': ['-entered_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('indicator_code', models.CharField(db_index=True, max_length=100, verbose_name='mã chỉ tiêu')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('target_value', models.FloatField(verbose_name='giá trị mục tiêu')),
                        ('baseline_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='năm gốc')),
                        ('baseline_value', models.FloatField(blank=True, null=True, verbose_name='giá trị năm gốc')),
                        ('source', models.CharField(max_length=200, verbose_name='căn cứ')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('reference_version', models.CharField(blank=True, max_length=40, verbose_name='phiên bản dữ liệu tham chiếu')),
                    ],
                    options={
                        'verbose_name': 'mục tiêu chỉ tiêu',
                        'verbose_name_plural': 'mục tiêu chỉ tiêu',
                        'db_table': 'indicators_indicatortarget',
                        'ordering': ['indicator_code', 'year'],
                        'constraints': [models.UniqueConstraint(fields=('indicator_code', 'year'), name='indicators_target_unique_year'), models.CheckConstraint(condition=models.Q(('baseline_year__isnull', True), ('baseline_year__lt', models.F('year')), _connector='OR'), name='indicators_target_baseline_before_year')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='dtiassessment',
                    constraint=models.UniqueConstraint(fields=('framework', 'year'), name='dti_assessment_unique_year'),
                ),
                migrations.AddConstraint(
                    model_name='dtinode',
                    constraint=models.UniqueConstraint(fields=('framework', 'code'), name='dti_node_unique_code'),
                ),
                migrations.AddConstraint(
                    model_name='dtinode',
                    constraint=models.CheckConstraint(condition=models.Q(('max_points__gte', 0)), name='dti_node_points_positive'),
                ),
                migrations.AddIndex(
                    model_name='dtientry',
                    index=models.Index(fields=['assessment', 'node', '-entered_at'], name='indicators__assessm_85bb6e_idx'),
                ),
                migrations.AddConstraint(
                    model_name='dtientry',
                    constraint=models.CheckConstraint(condition=models.Q(('value__gte', 0)), name='dti_entry_value_positive'),
                ),
                migrations.AddConstraint(
                    model_name='dtientry',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('evidence_file', ''), _negated=True), models.Q(('evidence_url', ''), _negated=True), _connector='OR'), name='dti_entry_has_evidence'),
                ),
            ],
            database_operations=[],
        ),
    ]
