(function(){
var outils=document.getElementById('outils');if(!outils||!document.querySelector)return;
var lignes=[].slice.call(document.querySelectorAll('table.comparaison tbody tr'));
var groupes=[].slice.call(document.querySelectorAll('#projets details'));
var textes=lignes.map(function(l){return (l.cells[0].textContent+' '+(l.cells[1]?l.cells[1].textContent:'')).toLowerCase();});
var MAX=500;
groupes.forEach(function(d){d.setAttribute('data-ouvert',d.open?'1':'');});
function options(attr,col){var vus={},o='<option value="">toutes</option>';lignes.forEach(function(l){
var v=l.getAttribute(attr);if(v!==null&&!vus[v]){vus[v]=1;o+='<option value="'+v+'">'+
l.cells[col].textContent+'</option>';}});return o;}
outils.innerHTML='<form class="filtres" role="search" onsubmit="return false">'+
'<label>Chercher (fichier, projet) <input type="search" id="f-texte"></label> '+
'<label>Voie d\'achat <select id="f-voie">'+options('data-voie',2)+'</select></label> '+
'<label>Procédure <select id="f-procedure">'+options('data-procedure',3)+'</select></label> '+
'<label><input type="checkbox" id="f-erreurs"> seulement les erreurs</label> '+
'<output id="f-compte" aria-live="polite"></output></form>';
var t=document.getElementById('f-texte'),v=document.getElementById('f-voie'),
p=document.getElementById('f-procedure'),er=document.getElementById('f-erreurs'),
c=document.getElementById('f-compte'),minuterie;
function filtrer(){var q=t.value.trim().toLowerCase(),n=0,actif=q||v.value||p.value||er.checked;
lignes.forEach(function(l,i){var ok=(!q||textes[i].indexOf(q)>=0)&&
(!v.value||l.getAttribute('data-voie')===v.value)&&(!p.value||l.getAttribute('data-procedure')===p.value)&&
(!er.checked||l.getAttribute('data-statut')==='erreur');if(l.hidden===ok)l.hidden=!ok;if(ok)n++;});
groupes.forEach(function(d){var vis=!!d.querySelector('tbody tr:not([hidden])');d.hidden=!vis;
d.open=actif&&n<=MAX?vis:d.getAttribute('data-ouvert')==='1';});
c.textContent=actif?n+' projet'+(n>1?'s':'')+' trouvé'+(n>1?'s':'')+
(n>MAX?' : ouvrez un dossier pour les voir, ou précisez la recherche':''):'';}
t.addEventListener('input',function(){clearTimeout(minuterie);minuterie=setTimeout(filtrer,250);});
[v,p,er].forEach(function(x){x.addEventListener('change',filtrer);});
[].forEach.call(document.querySelectorAll('table.comparaison'),function(tab){
[].forEach.call(tab.tHead.rows[0].cells,function(th,i){var b=document.createElement('button');
b.type='button';b.textContent=th.textContent;b.className='tri';th.textContent='';th.appendChild(b);
b.addEventListener('click',function(){var asc=th.getAttribute('aria-sort')!=='ascending';
[].forEach.call(tab.tHead.rows[0].cells,function(x){x.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');var corps=tab.tBodies[0];
var rs=[].slice.call(corps.rows);function cle(r){var cell=r.cells[i];if(!cell)return '';
var s=cell.querySelector('[data-tri]');return s?parseFloat(s.getAttribute('data-tri')):cell.textContent;}
rs.sort(function(a,b){var x=cle(a),y=cle(b),d=(typeof x==='number'&&typeof y==='number')?x-y:
String(x).localeCompare(String(y),'fr',{numeric:true});return asc?d:-d;});
rs.forEach(function(r){corps.appendChild(r);});});});});
})();
